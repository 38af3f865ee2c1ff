package dev.torch4j.io;

import java.io.EOFException;
import java.util.Objects;

/** A byte array as a source; its region is the array itself, nothing is paged or copied. */
final class HeapSource implements ByteSource {
    private final byte[] bytes;

    HeapSource(byte[] bytes) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    @Override public long size() { return bytes.length; }

    @Override public void readFully(long position, byte[] dst, int offset, int length) throws EOFException {
        if (position < 0 || position > bytes.length - (long) length) {
            throw new EOFException("range [" + position + ", +" + length + ") outside " + bytes.length + " bytes");
        }
        System.arraycopy(bytes, (int) position, dst, offset, length);
    }

    @Override public ByteRegion toRegion() { return new HeapRegion(bytes); }

    @Override public void close() {}
}
