package dev.torch4j.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A whole file mapped read-only, in chunks so files over 2 GiB work. The file stays open beside
 * its mapping, so {@link #fileSpan} can hand copies to the kernel ({@code sendfile}) and a file
 * renamed or replaced since opening is still the one read (like {@link java.util.zip.ZipFile}, one
 * descriptor per open file). Closing closes the file; the mapping itself is released when its
 * buffers are collected, and later use is an error. {@link #mapAndClose} keeps no descriptor, for
 * mappings nobody closes.
 */
public final class MappedFile implements ByteRegion, Closeable {
    /** One {@link MappedByteBuffer} holds at most 2 GiB; 1 GiB chunks keep the arithmetic simple. */
    static final int DEFAULT_CHUNK_SIZE = 1 << 30;

    private final Path path;
    private final long size;
    private final int chunkSize;
    /** Null once closed: one volatile read per access both finds the chunk and checks the state. */
    private volatile MappedByteBuffer[] chunks;
    /** Null for {@link #mapAndClose}: no descriptor is held, and {@link #fileSpan} finds no file. */
    private final FileChannel channel;

    private MappedFile(Path path, long size, int chunkSize, MappedByteBuffer[] chunks, FileChannel channel) {
        this.path = path;
        this.size = size;
        this.chunkSize = chunkSize;
        this.chunks = chunks;
        this.channel = channel;
    }

    public static MappedFile open(Path path) throws IOException {
        return open(path, DEFAULT_CHUNK_SIZE);
    }

    /**
     * The file mapped, its descriptor closed at once (a mapping outlives its channel): for trees
     * that are never closed ({@code Torch.load}), which would otherwise hold one descriptor per
     * file until the garbage collector found them. Copies out of it are never handed to the kernel.
     */
    public static MappedFile mapAndClose(Path path) throws IOException {
        MappedFile open = open(path, DEFAULT_CHUNK_SIZE);
        open.channel.close();
        return new MappedFile(path, open.size, open.chunkSize, open.chunks, null);
    }

    /** With a chosen chunk size (tests use small chunks to exercise boundary crossing). */
    static MappedFile open(Path path, int chunkSize) throws IOException {
        if (chunkSize <= 0) throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = ch.size();
            long count = (size + chunkSize - 1) / chunkSize;
            if (count > Integer.MAX_VALUE) throw new IOException(path + ": too large to map (" + size + " bytes)");
            MappedByteBuffer[] chunks = new MappedByteBuffer[(int) count];
            for (int i = 0; i < chunks.length; i++) {
                long start = (long) i * chunkSize;
                chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(chunkSize, size - start));
            }
            return new MappedFile(path, size, chunkSize, chunks, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public Path path() { return path; }

    public boolean isClosed() { return chunks == null; }

    @Override public long size() { return size; }

    private MappedByteBuffer[] chunks() {
        MappedByteBuffer[] c = chunks;
        if (c == null) throw new IllegalStateException("mapped file " + path + " is closed");
        return c;
    }

    @Override public byte get(long offset) {
        MappedByteBuffer[] c = chunks();
        ByteRegion.checkRange(size, offset, 1);
        return c[(int) (offset / chunkSize)].get((int) (offset % chunkSize));
    }

    @Override public void copyTo(long offset, byte[] dst, int dstOffset, int length) {
        MappedByteBuffer[] c = chunks();
        ByteRegion.checkRange(size, offset, length);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        while (length > 0) {
            int index = (int) (offset / chunkSize);
            int pos = (int) (offset % chunkSize);
            int n = Math.min(length, c[index].capacity() - pos);
            c[index].get(pos, dst, dstOffset, n);
            offset += n;
            dstOffset += n;
            length -= n;
        }
    }

    @Override public ByteBuffer trySlice(long offset, int length) {
        MappedByteBuffer[] c = chunks();
        ByteRegion.checkRange(size, offset, length);
        if (length == 0) return ByteBuffer.allocate(0).asReadOnlyBuffer();
        int index = (int) (offset / chunkSize);
        int pos = (int) (offset % chunkSize);
        if (length > c[index].capacity() - pos) return null;
        return c[index].slice(pos, length); // read-only (READ_ONLY mapping), big-endian
    }

    @Override public FileSpan fileSpan(long offset, long length) {
        chunks();
        ByteRegion.checkRange(size, offset, length);
        return channel == null ? null : new FileSpan(channel, offset, length);
    }

    @Override public ByteRegion subRegion(long offset, long length) {
        chunks();
        ByteRegion.checkRange(size, offset, length);
        return new RegionView(this, offset, length);
    }

    @Override public void close() {
        chunks = null;
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // A read-only descriptor: nothing was buffered that closing could lose.
        }
    }

    @Override public String toString() {
        return "MappedFile[" + path + ", " + size + " bytes" + (isClosed() ? ", closed" : "") + "]";
    }
}
