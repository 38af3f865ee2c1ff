package dev.torch4j.io;

import java.nio.ByteBuffer;

/** A window onto another region (a zip entry inside a mapped file): offsets shift, nothing is copied. */
final class RegionView implements ByteRegion {
    private final ByteRegion parent;
    private final long start;
    private final long length;

    RegionView(ByteRegion parent, long start, long length) {
        ByteRegion.checkRange(parent.size(), start, length);
        this.parent = parent;
        this.start = start;
        this.length = length;
    }

    @Override public long size() { return length; }

    @Override public byte get(long offset) {
        ByteRegion.checkRange(length, offset, 1);
        return parent.get(start + offset);
    }

    @Override public void copyTo(long offset, byte[] dst, int dstOffset, int len) {
        ByteRegion.checkRange(length, offset, len);
        parent.copyTo(start + offset, dst, dstOffset, len);
    }

    @Override public ByteBuffer slice(long offset, int len) {
        ByteRegion.checkRange(length, offset, len);
        return parent.slice(start + offset, len);
    }

    @Override public ByteBuffer trySlice(long offset, int len) {
        ByteRegion.checkRange(length, offset, len);
        return parent.trySlice(start + offset, len);
    }

    @Override public FileSpan fileSpan(long offset, long len) {
        ByteRegion.checkRange(length, offset, len);
        return parent.fileSpan(start + offset, len);
    }

    @Override public ByteRegion subRegion(long offset, long len) {
        ByteRegion.checkRange(length, offset, len);
        return new RegionView(parent, start + offset, len);
    }

    @Override public String toString() {
        return "RegionView[" + start + ", +" + length + " of " + parent + "]";
    }
}
