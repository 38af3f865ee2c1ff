package dev.torch4j.executorch;

import dev.torch4j.io.ByteRegion;

/**
 * The segments after a program's or data file's flatbuffer: {@code DataSegment(offset, size)}
 * tables, offsets counted from the header's segment base offset, each checked to lie in the file.
 */
final class DataSegments {
    private final ByteRegion file;
    private final long base;
    private final long[] offsets;
    private final long[] sizes;

    DataSegments(ByteRegion file, long base, FlatBuffer.Vector segments) {
        this.file = file;
        this.base = base;
        int n = segments == null ? 0 : segments.length();
        offsets = new long[n];
        sizes = new long[n];
        for (int i = 0; i < n; i++) {
            FlatBuffer.Table s = segments.table(i);
            offsets[i] = s.i64(0, 0);
            sizes[i] = s.i64(1, 0);
            if (offsets[i] < 0 || sizes[i] < 0 || base > file.size() || offsets[i] > file.size() - base
                    || sizes[i] > file.size() - base - offsets[i]) {
                throw new FlatBufferException(s.position(), "segment " + i + " (" + sizes[i] + " bytes at " + offsets[i]
                        + " from base " + base + ") lies outside the " + file.size() + "-byte file");
            }
        }
    }

    int count() { return offsets.length; }

    long size(int i) { return sizes[checked(i)]; }

    long fileOffset(int i) { return base + offsets[checked(i)]; }

    /** {@code length} bytes at {@code offset} into segment {@code i}, checked to stay inside it. */
    ByteRegion slice(int i, long offset, long length, long where) {
        checked(i);
        if (offset < 0 || length < 0 || offset > sizes[i] || length > sizes[i] - offset) {
            throw new FlatBufferException(where, length + " bytes at " + offset + " lie outside segment " + i + " of "
                    + sizes[i] + " bytes");
        }
        return file.subRegion(base + offsets[i] + offset, length);
    }

    private int checked(long i) {
        if (i < 0 || i >= offsets.length) throw new FlatBufferException(-1, "segment index " + i + " of " + offsets.length);
        return (int) i;
    }
}
