package dev.torch4j.pickle;

import dev.torch4j.io.ByteRegion;

import java.nio.charset.StandardCharsets;

/**
 * Bounded reads over a {@link ByteRegion}: every declared length is checked against the bytes
 * remaining before anything is allocated, so a hostile length fails at once instead of exhausting memory.
 */
final class PickleInput {
    /** Java arrays cannot be larger than this. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final ByteRegion region;
    private final long end;
    private long pos;

    PickleInput(ByteRegion region, long start) {
        this.region = region;
        this.end = region.size();
        if (start < 0 || start > end) throw new PickleFormatError("start " + start + " outside input of " + end + " bytes");
        this.pos = start;
    }

    long position() { return pos; }

    long remaining() { return end - pos; }

    boolean atEnd() { return pos >= end; }

    int readByte() {
        if (pos >= end) throw new PickleFormatError("unexpected end of input");
        return region.get(pos++) & 0xff;
    }

    /** An unsigned little-endian integer of {@code n} (1 to 8) bytes; 8 bytes may come back negative. */
    long readUnsigned(int n) {
        require(n);
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) (region.get(pos + i) & 0xff) << (8 * i);
        pos += n;
        return v;
    }

    int readInt32() { return (int) readUnsigned(4); }

    double readDoubleBigEndian() {
        require(8);
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (region.get(pos + i) & 0xff);
        pos += 8;
        return Double.longBitsToDouble(v);
    }

    /** Checks that a length read from the input fits what remains, before the caller allocates. */
    int checkLength(long declared) {
        if (declared < 0 || declared > remaining()) {
            throw new PickleFormatError("declared length " + Long.toUnsignedString(declared)
                    + " exceeds the " + remaining() + " bytes remaining");
        }
        if (declared > MAX_ARRAY) throw new PickleFormatError("declared length " + declared + " is over 2 GiB");
        return (int) declared;
    }

    byte[] readBytes(long declared) {
        int n = checkLength(declared);
        byte[] out = new byte[n];
        region.copyTo(pos, out, 0, n);
        pos += n;
        return out;
    }

    void skip(long declared) {
        pos += checkLength(declared);
    }

    /** Bytes up to the next newline (consumed, not returned). */
    byte[] readLine() {
        long p = pos;
        while (true) {
            if (p >= end) throw new PickleFormatError("unexpected end of input in a text line");
            if (region.get(p) == '\n') break;
            p++;
        }
        byte[] line = readBytes(p - pos);
        pos++;
        return line;
    }

    String readAsciiLine() {
        return new String(readLine(), StandardCharsets.ISO_8859_1);
    }

    String readUtf8Line() {
        return new String(readLine(), StandardCharsets.UTF_8);
    }

    private void require(int n) {
        if (end - pos < n) throw new PickleFormatError("unexpected end of input (needed " + n + " bytes, " + (end - pos) + " left)");
    }
}
