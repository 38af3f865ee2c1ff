package dev.torch4j.json;

/** Decimal digits of a long written into a byte array, no String in between: the one loop both JSON sinks use. */
final class Decimal {
    /** The most bytes {@link #write} writes: a sign and 19 digits. */
    static final int MAX_BYTES = 20;

    private Decimal() {}

    /**
     * Writes {@code v} in decimal ASCII at {@code buf[at]} (room for {@link #MAX_BYTES} needed) and
     * returns the index after the last byte written.
     */
    static int write(long v, byte[] buf, int at) {
        if (v == Long.MIN_VALUE) { // -v overflows; the one value with no positive twin
            byte[] s = Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, buf, at, s.length);
            return at + s.length;
        }
        if (v < 0) {
            buf[at++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long x = v / 10; x != 0; x /= 10) digits++;
        int end = at + digits;
        for (int p = end - 1; p >= at; p--) {
            buf[p] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        return end;
    }
}
