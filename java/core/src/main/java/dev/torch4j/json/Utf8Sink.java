package dev.torch4j.json;

import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A {@link JsonWriter#buffered(OutputStream, boolean)} document as UTF-8 bytes, gathered in one
 * array and handed to the stream in large blocks. Unlike {@link BufferedSink} (chars, then a
 * Writer's encoder), ASCII text (nearly all of a document: names, numbers, tensor paths) is copied
 * into the byte array as it is: in a short command run by C1 alone, widening each String to chars
 * and encoding the chars back to bytes was 13% of {@code inspect --json}'s samples.
 */
final class Utf8Sink implements Appendable, Flushable {
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private int n;

    Utf8Sink(OutputStream out) {
        this.out = out;
    }

    @Override public Utf8Sink append(char c) throws IOException {
        if (c >= 0x80) return append(String.valueOf(c), 0, 1);
        if (n == buf.length) drain();
        buf[n++] = (byte) c;
        return this;
    }

    @Override public Utf8Sink append(CharSequence s) throws IOException {
        return append(s, 0, s.length());
    }

    /** Any text: ASCII copied, anything else encoded as UTF-8 (as an OutputStreamWriter would). */
    @Override public Utf8Sink append(CharSequence s, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) >= 0x80) {
                byte[] b = s.subSequence(from, to).toString().getBytes(StandardCharsets.UTF_8);
                return appendBytes(b);
            }
        }
        if (s instanceof String str) return appendAscii(str, from, to);
        for (int i = from; i < to; i++) append(s.charAt(i));
        return this;
    }

    /** Characters {@code [from, to)} of {@code s}, which the caller knows are all below U+0080. */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) keeps each char's low byte: exact for ASCII
    Utf8Sink appendAscii(String s, int from, int to) throws IOException {
        while (from < to) {
            if (n == buf.length) drain();
            int k = Math.min(to - from, buf.length - n);
            s.getBytes(from, from + k, buf, n);
            n += k;
            from += k;
        }
        return this;
    }

    /** Bytes already encoded as UTF-8. */
    Utf8Sink appendBytes(byte[] b) throws IOException {
        for (int from = 0; from < b.length; ) {
            if (n == buf.length) drain();
            int k = Math.min(b.length - from, buf.length - n);
            System.arraycopy(b, from, buf, n, k);
            n += k;
            from += k;
        }
        return this;
    }

    /** Decimal digits of {@code v}, no String in between. */
    void appendLong(long v) throws IOException {
        if (buf.length - n < Decimal.MAX_BYTES) drain();
        n = Decimal.write(v, buf, n);
    }

    /** Everything gathered in {@code bytes}, after what this sink holds: for {@link JsonWriter#elements}. */
    void appendStream(java.io.ByteArrayOutputStream bytes) throws IOException {
        if (bytes.size() <= buf.length - n) {
            byte[] b = bytes.toByteArray();
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
            return;
        }
        drain();
        bytes.writeTo(out);
    }

    @Override public void flush() throws IOException {
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        out.write(buf, 0, n);
        n = 0;
    }
}
