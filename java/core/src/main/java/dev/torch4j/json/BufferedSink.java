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

    /** Decimal digits of {@code v}, no String in between. */
    void appendLong(long v) throws IOException {
        if (buf.length - n < 20) drain();
        if (v == Long.MIN_VALUE) {
            append(Long.toString(v));
            return;
        }
        if (v < 0) {
            buf[n++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long x = v / 10; x != 0; x /= 10) digits++;
        int end = n + digits;
        for (int p = end - 1; p >= n; p--) {
            buf[p] = (char) ('0' + (int) (v % 10));
            v /= 10;
        }
        n = end;
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
