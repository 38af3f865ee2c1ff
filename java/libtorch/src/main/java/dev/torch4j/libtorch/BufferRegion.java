package dev.torch4j.libtorch;

import dev.torch4j.io.ByteRegion;

import java.nio.ByteBuffer;

/**
 * A caller's direct NIO buffer as a torch4j byte region ({@link InputTensors#of(ByteBuffer,
 * dev.torch4j.tensor.DType, long...)}): libtorch borrows it zero-copy, since it is the caller's own
 * writable memory, not a read-only file mapping.
 */
final class BufferRegion implements ByteRegion {
    private final ByteBuffer buffer; // position 0, limit = size, never moved
    /** The caller's buffer when {@code buffer} is a view JavaCPP made of it: keeps its memory alive. */
    private final Object owner;

    BufferRegion(ByteBuffer buffer, Object owner) {
        this.buffer = buffer.slice();
        this.owner = owner;
    }

    @Override public long size() {
        return buffer.capacity();
    }

    @Override public byte get(long offset) {
        ByteRegion.checkRange(size(), offset, 1);
        return buffer.get((int) offset);
    }

    @Override public void copyTo(long offset, byte[] dst, int dstOffset, int length) {
        ByteRegion.checkRange(size(), offset, length);
        buffer.get((int) offset, dst, dstOffset, length);
    }

    @Override public ByteBuffer slice(long offset, int length) {
        ByteRegion.checkRange(size(), offset, length);
        return buffer.slice((int) offset, length);
    }

    @Override public ByteBuffer trySlice(long offset, int length) {
        return slice(offset, length);
    }

    @Override public ByteRegion subRegion(long offset, long length) {
        ByteRegion.checkRange(size(), offset, length);
        return new BufferRegion(buffer.slice((int) offset, (int) length), owner);
    }
}
