package dev.torch4j.json;

import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;

/**
 * The characters of a {@link JsonWriter#buffered} document, gathered in one array and handed to
 * the Writer in large blocks. A document of 20,000 tensors is ~30 small appends per tensor; each
 * through a PrintWriter takes two locks and two open-checks, which made writing cost as much as
 * reading the file in a short-lived (interpreted) run.
 */
final class BufferedSink implements Appendable, Flushable {
    private final Writer out;
    private final char[] buf = new char[8192];
    private int n;

    BufferedSink(Writer out) {
        this.out = out;
    }

    @Override public BufferedSink append(char c) throws IOException {
        if (n == buf.length) drain();
        buf[n++] = c;
        return this;
    }

    @Override public BufferedSink append(CharSequence s) throws IOException {
        return append(s, 0, s.length());
    }

    @Override public BufferedSink append(CharSequence s, int from, int to) throws IOException {
        if (!(s instanceof String str)) {
            for (int i = from; i < to; i++) append(s.charAt(i));
            return this;
        }
        while (from < to) {
            if (n == buf.length) drain();
            int k = Math.min(to - from, buf.length - n);
            str.getChars(from, from + k, buf, n);
            n += k;
            from += k;
        }
        return this;
    }

    private final byte[] digits = new byte[Decimal.MAX_BYTES];

    /** Decimal digits of {@code v}, no String in between. */
    void appendLong(long v) throws IOException {
        if (buf.length - n < Decimal.MAX_BYTES) drain();
        int end = Decimal.write(v, digits, 0);
        for (int i = 0; i < end; i++) buf[n++] = (char) digits[i];
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
