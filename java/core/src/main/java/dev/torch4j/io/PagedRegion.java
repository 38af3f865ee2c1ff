package dev.torch4j.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ByteSource} seen as a {@link ByteRegion}, for sources that cannot be mapped (channels,
 * HDFS and S3 streams). Small reads (zip headers, the central directory, pickle opcodes) go
 * through a least-recently-used cache of fixed-size blocks, so a pickle parsed byte by byte costs
 * one source read per block; a read of at least one block (tensor data, which the element
 * readers stream in 1 MiB chunks) goes straight to the source in one range and leaves the cache
 * alone. Opening a zip checkpoint therefore fetches its tail, its local headers and its pickle,
 * never its tensors. {@link #bytesFetched()} counts what was asked of the source.
 *
 * <p>Source failures surface as {@link UncheckedIOException} (the {@link ByteRegion} methods
 * cannot throw checked exceptions); the readers turn them into errors naming the file.
 */
public final class PagedRegion implements ByteRegion, Closeable {
    /** 64 KiB: one round trip fetches a whole small pickle or a zip directory of a few hundred entries. */
    public static final int DEFAULT_BLOCK_SIZE = 1 << 16;
    /** 64 blocks (4 MiB) hold the directory and pickle of any ordinary checkpoint at once. */
    public static final int DEFAULT_CACHED_BLOCKS = 64;

    private final ByteSource source;
    private final long size;
    private final int blockSize;
    private final Map<Long, byte[]> blocks;
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong fetches = new AtomicLong();

    public PagedRegion(ByteSource source) throws IOException {
        this(source, DEFAULT_BLOCK_SIZE, DEFAULT_CACHED_BLOCKS);
    }

    public PagedRegion(ByteSource source, int blockSize, int cachedBlocks) throws IOException {
        if (blockSize <= 0 || cachedBlocks <= 0) {
            throw new IllegalArgumentException("block size and cached blocks must be positive: " + blockSize + ", " + cachedBlocks);
        }
        this.source = Objects.requireNonNull(source, "source");
        this.size = source.size();
        this.blockSize = blockSize;
        this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > cachedBlocks;
            }
        };
    }

    @Override public long size() { return size; }

    /** Bytes read from the source so far (blocks for the cache plus direct range reads). */
    public long bytesFetched() { return fetched.get(); }

    /** Number of reads issued to the source so far. */
    public long fetchCount() { return fetches.get(); }

    private void fetch(long position, byte[] dst, int offset, int length) {
        try {
            source.readFully(position, dst, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + length + " bytes at offset " + position + ": " + e.getMessage(), e);
        }
        fetched.addAndGet(length);
        fetches.incrementAndGet();
    }

    private synchronized byte[] block(long index) {
        byte[] b = blocks.get(index);
        if (b == null) {
            long start = index * blockSize;
            b = new byte[(int) Math.min(blockSize, size - start)];
            fetch(start, b, 0, b.length);
            blocks.put(index, b);
        }
        return b;
    }

    @Override public byte get(long offset) {
        ByteRegion.checkRange(size, offset, 1);
        return block(offset / blockSize)[(int) (offset % blockSize)];
    }

    @Override public void copyTo(long offset, byte[] dst, int dstOffset, int length) {
        ByteRegion.checkRange(size, offset, length);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (length >= blockSize) {
            fetch(offset, dst, dstOffset, length); // bulk data: one range read, the cache stays for metadata
            return;
        }
        while (length > 0) {
            byte[] b = block(offset / blockSize);
            int pos = (int) (offset % blockSize);
            int n = Math.min(length, b.length - pos);
            System.arraycopy(b, pos, dst, dstOffset, n);
            offset += n;
            dstOffset += n;
            length -= n;
        }
    }

    /** Zero-copy within one cached block (blocks are never written after they are filled). */
    @Override public ByteBuffer trySlice(long offset, int length) {
        ByteRegion.checkRange(size, offset, length);
        if (length == 0) return ByteBuffer.allocate(0).asReadOnlyBuffer();
        int pos = (int) (offset % blockSize);
        if (length > blockSize - pos) return null;
        byte[] b = block(offset / blockSize);
        if (length > b.length - pos) return null;
        return ByteBuffer.wrap(b, pos, length).slice().asReadOnlyBuffer();
    }

    @Override public ByteRegion subRegion(long offset, long length) {
        ByteRegion.checkRange(size, offset, length);
        return new RegionView(this, offset, length);
    }

    @Override public void close() throws IOException {
        synchronized (this) {
            blocks.clear();
        }
        source.close();
    }

    @Override public String toString() {
        return "PagedRegion[" + size + " bytes, " + blockSize + "-byte blocks, " + fetched.get() + " bytes fetched]";
    }
}
