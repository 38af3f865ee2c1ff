package dev.torch4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Turns a one-pass {@link InputStream} into a source the readers can seek in: a zip's directory
 * is at its end, so a stream must be kept whole. Up to {@link #HEAP_BYTES} stay on the heap;
 * a longer stream goes to a temporary file that is mapped and unlinked at once (the mapping
 * outlives the name, so nothing is left behind even if the JVM dies). Past {@code maxBytes}
 * the copy stops with an error, so an endless stream cannot fill the disk.
 */
final class StreamBuffer {
    /** 64 MiB: a typical small checkpoint stays in memory, a large one does not crowd the heap. */
    static final int HEAP_BYTES = 64 << 20;

    private StreamBuffer() {}

    static ByteSource read(InputStream in, String name, long maxBytes) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(1, Math.min(maxBytes, HEAP_BYTES)))];
        int filled = 0;
        while (true) {
            if (filled == buf.length) {
                if (buf.length >= HEAP_BYTES || buf.length >= maxBytes) break;
                buf = Arrays.copyOf(buf, (int) Math.min(Math.min(2L * buf.length, HEAP_BYTES), Math.max(maxBytes, 1)));
            }
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) return new HeapSource(filled == buf.length ? buf : Arrays.copyOf(buf, filled));
            filled += n;
        }
        return spill(in, name, buf, filled, maxBytes);
    }

    private static ByteSource spill(InputStream in, String name, byte[] head, int headLength, long maxBytes) throws IOException {
        Path tmp = Files.createTempFile("torch4j-stream-", ".bin");
        try {
            long total = headLength;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(head, 0, headLength);
                byte[] chunk = new byte[1 << 20];
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    total += n;
                    if (total > maxBytes) {
                        throw new IOException(name + ": stream is longer than the " + maxBytes + "-byte limit for buffering");
                    }
                    out.write(chunk, 0, n);
                }
            }
            if (total > maxBytes) {
                throw new IOException(name + ": stream is longer than the " + maxBytes + "-byte limit for buffering");
            }
            return new MappedSource(MappedFile.open(tmp));
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                tmp.toFile().deleteOnExit(); // a platform that cannot unlink a mapped file: at exit then
            }
        }
    }
}
