package dev.torch4j.io;

import java.nio.ByteBuffer;

/**
 * A read-only run of bytes addressed by {@code long}: a memory-mapped file range (possibly larger
 * than 2 GiB, which one {@link java.nio.MappedByteBuffer} cannot hold), or bytes on the heap.
 * Every accessor checks its range and throws {@link IndexOutOfBoundsException} rather than
 * reading outside the region.
 */
public interface ByteRegion {
    long size();

    byte get(long offset);

    /** Copies {@code length} bytes starting at {@code offset} into {@code dst[dstOffset..]}. */
    void copyTo(long offset, byte[] dst, int dstOffset, int length);

    /**
     * A read-only view of {@code [offset, offset+length)}, zero-copy where the bytes are contiguous
     * in one mapping; otherwise a copy. Byte order of the returned buffer is big-endian (Java's
     * default); callers set the order they need. By default: {@link #trySlice}'s view, else a copy.
     */
    default ByteBuffer slice(long offset, int length) {
        ByteBuffer view = trySlice(offset, length);
        if (view != null) return view;
        byte[] copy = new byte[length];
        copyTo(offset, copy, 0, length);
        return ByteBuffer.wrap(copy).asReadOnlyBuffer();
    }

    /** A sub-region sharing these bytes. */
    ByteRegion subRegion(long offset, long length);

    /**
     * A zero-copy read-only view of {@code [offset, offset+length)}, or null when the bytes are
     * not contiguous in one buffer (e.g. they cross a mapping chunk). Lets readers avoid copies
     * without ever paying for a large hidden one. Range-checked like {@link #slice}.
     */
    default ByteBuffer trySlice(long offset, int length) {
        checkRange(size(), offset, length);
        return null;
    }

    /**
     * Where {@code [offset, offset+length)} lies in an open file, so a copy to another file can stay
     * in the kernel; null when the bytes are not one file's as they are (heap bytes, inflated zip
     * entries). Range-checked like {@link #slice}.
     */
    default FileSpan fileSpan(long offset, long length) {
        checkRange(size(), offset, length);
        return null;
    }

    /** A window onto {@code [offset, offset+length)} of {@code parent}, for regions without a cheaper subRegion. */
    static ByteRegion view(ByteRegion parent, long offset, long length) {
        return new RegionView(parent, offset, length);
    }

    static void checkRange(long size, long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("range [" + offset + ", +" + length + ") outside region of " + size + " bytes");
        }
    }
}
