package dev.torch4j.io;

import java.nio.ByteBuffer;

/** Bytes held in a Java array (nested payloads, legacy storages read from streams, tests). */
public final class HeapRegion implements ByteRegion {
    private final byte[] bytes;
    private final int start;
    private final int length;

    public HeapRegion(byte[] bytes) { this(bytes, 0, bytes.length); }

    public HeapRegion(byte[] bytes, int start, int length) {
        ByteRegion.checkRange(bytes.length, start, length);
        this.bytes = bytes;
        this.start = start;
        this.length = length;
    }

    @Override public long size() { return length; }

    @Override public byte get(long offset) {
        ByteRegion.checkRange(length, offset, 1);
        return bytes[start + (int) offset];
    }

    @Override public void copyTo(long offset, byte[] dst, int dstOffset, int len) {
        ByteRegion.checkRange(length, offset, len);
        System.arraycopy(bytes, start + (int) offset, dst, dstOffset, len);
    }

    @Override public ByteBuffer slice(long offset, int len) {
        ByteRegion.checkRange(length, offset, len);
        return ByteBuffer.wrap(bytes, start + (int) offset, len).slice().asReadOnlyBuffer();
    }

    @Override public ByteBuffer trySlice(long offset, int len) {
        return slice(offset, len);
    }

    @Override public ByteRegion subRegion(long offset, long len) {
        ByteRegion.checkRange(length, offset, len);
        return new HeapRegion(bytes, start + (int) offset, (int) len);
    }
}
