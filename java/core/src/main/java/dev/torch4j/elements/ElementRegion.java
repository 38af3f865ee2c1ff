package dev.torch4j.elements;

import dev.torch4j.io.ByteRegion;

import java.nio.ByteBuffer;

/**
 * A read-only region whose bytes are computed element by element on demand (a gathered view, a
 * dtype conversion). Subclasses produce whole elements; this class serves any byte range from
 * them, bounded to {@link #MAX_BATCH} elements of scratch per step, so nothing is materialised.
 */
public abstract class ElementRegion implements ByteRegion {
    static final int MAX_BATCH = 1 << 16;

    private final long elements;
    private final int itemSize;

    protected ElementRegion(long elements, int itemSize) {
        this.elements = elements;
        this.itemSize = itemSize;
    }

    /** Writes elements {@code [first, first+count)} as little-endian bytes into {@code dst[off..]}. */
    protected abstract void readElements(long first, int count, byte[] dst, int off);

    @Override public long size() { return elements * itemSize; }

    @Override public byte get(long offset) {
        byte[] one = new byte[1];
        copyTo(offset, one, 0, 1);
        return one[0];
    }

    @Override public void copyTo(long offset, byte[] dst, int dstOffset, int length) {
        ByteRegion.checkRange(size(), offset, length);
        long end = offset + length;
        long pos = offset;
        while (pos < end) {
            long first = pos / itemSize;
            int skip = (int) (pos - first * itemSize);
            long wanted = (end - pos + skip + itemSize - 1) / itemSize;
            int count = (int) Math.min(MAX_BATCH, wanted);
            if (skip == 0 && count * (long) itemSize <= end - pos) {
                readElements(first, count, dst, dstOffset + (int) (pos - offset)); // whole elements: no scratch
                pos += (long) count * itemSize;
                continue;
            }
            byte[] scratch = new byte[count * itemSize];
            readElements(first, count, scratch, 0);
            int n = (int) Math.min(scratch.length - skip, end - pos);
            System.arraycopy(scratch, skip, dst, dstOffset + (int) (pos - offset), n);
            pos += n;
        }
    }

    @Override public ByteBuffer slice(long offset, int length) {
        byte[] copy = new byte[length];
        copyTo(offset, copy, 0, length);
        return ByteBuffer.wrap(copy).asReadOnlyBuffer();
    }

    @Override public ByteRegion subRegion(long offset, long length) {
        ByteRegion.checkRange(size(), offset, length);
        ElementRegion parent = this;
        return new ByteRegion() {
            @Override public long size() { return length; }
            @Override public byte get(long o) { ByteRegion.checkRange(length, o, 1); return parent.get(offset + o); }
            @Override public void copyTo(long o, byte[] dst, int dstOffset, int len) {
                ByteRegion.checkRange(length, o, len);
                parent.copyTo(offset + o, dst, dstOffset, len);
            }
            @Override public ByteBuffer slice(long o, int len) { ByteRegion.checkRange(length, o, len); return parent.slice(offset + o, len); }
            @Override public ByteRegion subRegion(long o, long len) {
                ByteRegion.checkRange(length, o, len);
                return parent.subRegion(offset + o, len);
            }
        };
    }
}
