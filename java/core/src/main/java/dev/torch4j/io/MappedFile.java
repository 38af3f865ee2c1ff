package dev.torch4j.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A whole file mapped read-only, in chunks so files over 2 GiB work. Closing releases nothing
 * eagerly (the JVM unmaps when buffers are collected) but makes later use an error.
 */
public final class MappedFile implements ByteRegion, Closeable {
    private final Path path;

    private MappedFile(Path path) { this.path = path; }

    public static MappedFile open(Path path) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }

    public Path path() { return path; }

    @Override public long size() { throw new UnsupportedOperationException("TODO"); }
    @Override public byte get(long offset) { throw new UnsupportedOperationException("TODO"); }
    @Override public void copyTo(long offset, byte[] dst, int dstOffset, int length) { throw new UnsupportedOperationException("TODO"); }
    @Override public ByteBuffer slice(long offset, int length) { throw new UnsupportedOperationException("TODO"); }
    @Override public ByteRegion subRegion(long offset, long length) { throw new UnsupportedOperationException("TODO"); }
    @Override public void close() {}
}
