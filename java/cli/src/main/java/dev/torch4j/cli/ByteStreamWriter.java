package dev.torch4j.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Standard output as the commands see it: a UTF-8 PrintWriter that also lets large documents
 * ({@code inspect --json}) be written as bytes to the stream beneath, after flushing what was
 * printed so far, so that their ASCII text is not widened to chars and encoded back.
 */
final class ByteStreamWriter extends PrintWriter {
    private final OutputStream stream;

    ByteStreamWriter(OutputStream stream) {
        // The buffer batches many small writes: unbuffered, the encoder wrapped each one in a
        // fresh CharBuffer. println flushes it.
        super(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16), true);
        this.stream = stream;
    }

    /** The byte stream under this writer, once everything printed through the writer has reached it. */
    OutputStream flushedStream() {
        flush();
        return stream;
    }
}
