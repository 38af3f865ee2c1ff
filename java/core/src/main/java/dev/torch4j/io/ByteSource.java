package dev.torch4j.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;

/**
 * Where a file's bytes come from when they are not a local file to map: anything that can read a
 * range at a position (a {@link SeekableByteChannel}, an HDFS or S3 stream, bytes in memory).
 * Readers never see a source directly: {@link #toRegion()} gives them a {@link ByteRegion}, which
 * for remote sources is a {@link PagedRegion} that fetches small blocks for headers and pickles
 * and large ranges for tensor data, so opening a zip checkpoint reads its central directory and
 * pickle, not its tensors.
 */
public interface ByteSource extends Closeable {
    /** Total size in bytes; constant while the source is open. */
    long size() throws IOException;

    /**
     * Reads exactly {@code length} bytes at {@code position} into {@code dst[offset..]}, or throws
     * (an {@link java.io.EOFException} when the source ends first). May be called from several
     * threads at once.
     */
    void readFully(long position, byte[] dst, int offset, int length) throws IOException;

    /**
     * The bytes as a region for the readers. The default pages the source through a small block
     * cache; sources already in memory or mapped return themselves without copying.
     */
    default ByteRegion toRegion() throws IOException {
        return new PagedRegion(this);
    }

    /** A channel (a file, an in-memory channel, a remote object behind a channel provider). */
    static ByteSource of(SeekableByteChannel channel) {
        return new ChannelSource(channel);
    }

    /** Bytes already in memory: read in place. */
    static ByteSource of(byte[] bytes) {
        return new HeapSource(bytes);
    }

    /**
     * A one-pass stream, read to its end now: kept on the heap up to 64 MiB, beyond that in a
     * temporary file that is mapped and unlinked at once. A stream longer than {@code maxBytes}
     * is refused with an {@link IOException} before more than that is stored.
     */
    static ByteSource buffered(java.io.InputStream in, String name, long maxBytes) throws IOException {
        return StreamBuffer.read(in, name, maxBytes);
    }

    /**
     * A local file, memory-mapped: the same zero-copy reading {@code Torch.open(Path)} does, for
     * callers that hand sources around.
     */
    static ByteSource mapped(Path file) throws IOException {
        return new MappedSource(MappedFile.open(file));
    }
}
