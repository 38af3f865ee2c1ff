package dev.torch4j.executorch;

/**
 * The optional header ExecuTorch inserts at byte 8 of a {@code .pte} (magic {@code eh00}) or
 * {@code .ptd} ({@code FH01}): little-endian uint32 length, then uint64 fields. For a .pte:
 * program size, segment base offset, segment data size (absent in older files); for a .ptd:
 * flatbuffer offset and size, segment base offset, segment data size.
 */
record ExtendedHeader(String magic, long length, long[] fields) {
    static final int OFFSET = 8;

    /** The header, or null when the magic is not there (a .pte without segments). */
    static ExtendedHeader parse(FlatBuffer fb, String magic, int minFields) {
        if (fb.size() < OFFSET + 8) return null;
        for (int i = 0; i < 4; i++) {
            if (fb.u8(OFFSET + i) != magic.charAt(i)) return null;
        }
        long length = fb.i32(OFFSET + 4) & 0xFFFFFFFFL;
        if (length < 8 + 8L * minFields) throw new FlatBufferException(OFFSET + 4, "extended header length " + length
                + " < " + (8 + 8 * minFields));
        fb.check(OFFSET, length, "extended header");
        int n = (int) Math.min((length - 8) / 8, 8);
        long[] fields = new long[n];
        for (int i = 0; i < n; i++) {
            fields[i] = fb.i64(OFFSET + 8 + 8L * i);
            if (fields[i] < 0) throw new FlatBufferException(OFFSET + 8 + 8L * i, "extended header field " + i + " is negative");
        }
        return new ExtendedHeader(magic, length, fields);
    }

    long field(int i) { return i < fields.length ? fields[i] : 0; }
}
