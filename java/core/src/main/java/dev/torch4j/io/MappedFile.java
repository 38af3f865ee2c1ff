package dev.torch4j.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
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
 *
 * <p>{@link #open} maps nothing yet: copies of up to {@link #MAX_READ_BEFORE_MAPPING} bytes and single
 * bytes (through one cached {@link #BLOCK_SIZE}-byte block) are read from the descriptor until a
 * zero-copy view, a larger copy or {@link #MAX_BLOCK_MISSES} block misses ask for the mapping. A
 * short command that reads a zip directory and a pickle (inspect, scan) then never maps: mapping
 * initialises a JDK class through method handles, several milliseconds of a ~0.1 s command.
 * The reads go through {@link RandomAccessFile}, not the channel, because a channel read closes the
 * channel, for every thread, when its own thread is interrupted.
 */
public final class MappedFile implements ByteRegion, Closeable {
    /** One {@link MappedByteBuffer} holds at most 2 GiB; 1 GiB chunks keep the arithmetic simple. */
    static final int DEFAULT_CHUNK_SIZE = 1 << 30;

    private final Path path;
    private final long size;
    private final int chunkSize;
    /**
     * {@link #UNMAPPED} until mapped, null once closed: one volatile read per access both finds the
     * chunk and checks the state.
     */
    private volatile MappedByteBuffer[] chunks;
    private static final MappedByteBuffer[] UNMAPPED = new MappedByteBuffer[0];
    /** Null for {@link #mapAndClose}: no descriptor is held, and {@link #fileSpan} finds no file. */
    private final FileChannel channel;
    /** The descriptor's reads before mapping (null for {@link #mapAndClose}); the channel is its. */
    private final RandomAccessFile file;

    /** The largest copy read from the descriptor rather than the mapping. */
    static final int MAX_READ_BEFORE_MAPPING = 16 << 20;
    static final int BLOCK_SIZE = 8192;
    /** Single-byte reads outside the cached block before the file is mapped after all. */
    static final int MAX_BLOCK_MISSES = 256;
    /** The block single-byte reads were last served from, before mapping. */
    private volatile Block block;
    /** Racy on purpose: an undercount only maps a little later. */
    private int blockMisses;

    /** Bytes {@code [start, start + bytes.length)} of the file. */
    private static final class Block {
        final long start;
        final byte[] bytes;

        Block(long start, byte[] bytes) {
            this.start = start;
            this.bytes = bytes;
        }
    }

    private MappedFile(Path path, long size, int chunkSize, MappedByteBuffer[] chunks, FileChannel channel,
                       RandomAccessFile file) {
        this.path = path;
        this.size = size;
        this.chunkSize = chunkSize;
        this.chunks = chunks;
        this.channel = channel;
        this.file = file;
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
        try {
            MappedByteBuffer[] mapped = map(open.channel, open.size, open.chunkSize);
            return new MappedFile(path, open.size, open.chunkSize, mapped, null, null);
        } finally {
            open.file.close();
        }
    }

    /** With a chosen chunk size (tests use small chunks to exercise boundary crossing). */
    static MappedFile open(Path path, int chunkSize) throws IOException {
        if (chunkSize <= 0) throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        RandomAccessFile file;
        try {
            file = new RandomAccessFile(path.toFile(), "r");
        } catch (java.io.FileNotFoundException e) {
            // Report it as the channel would (NoSuchFileException, AccessDeniedException...), which
            // callers tell apart; a path the channel opens but this cannot (a directory) says why.
            FileChannel.open(path, StandardOpenOption.READ).close();
            throw new java.nio.file.FileSystemException(path.toString(), null, e.getMessage());
        }
        try {
            FileChannel ch = file.getChannel();
            long size = ch.size();
            long count = (size + chunkSize - 1) / chunkSize;
            if (count > Integer.MAX_VALUE) throw new IOException(path + ": too large to map (" + size + " bytes)");
            return new MappedFile(path, size, chunkSize, UNMAPPED, ch, file);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static MappedByteBuffer[] map(FileChannel ch, long size, int chunkSize) throws IOException {
        MappedByteBuffer[] chunks = new MappedByteBuffer[(int) ((size + chunkSize - 1) / chunkSize)];
        for (int i = 0; i < chunks.length; i++) {
            long start = (long) i * chunkSize;
            chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(chunkSize, size - start));
        }
        return chunks;
    }

    /** The chunks, mapping them first if that has not happened yet. */
    private MappedByteBuffer[] mapped() {
        MappedByteBuffer[] c = chunks();
        if (c != UNMAPPED) return c;
        synchronized (this) {
            c = chunks();
            if (c != UNMAPPED) return c;
            try {
                c = map(channel, size, chunkSize);
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": cannot map the file: " + e.getMessage(), e);
            }
            chunks = c;
            block = null;
            return c;
        }
    }

    /** Reads {@code [offset, offset + length)} from the descriptor (the file is not mapped yet). */
    private void read(long offset, byte[] dst, int dstOffset, int length) {
        try {
            synchronized (file) {
                file.seek(offset);
                file.readFully(dst, dstOffset, length);
            }
        } catch (EOFException e) {
            throw new UncheckedIOException(new EOFException(path + ": the file is shorter than the " + size
                    + " bytes it had when opened (changed while being read)"));
        } catch (IOException e) {
            if (chunks == null) throw new IllegalStateException("mapped file " + path + " is closed");
            throw new UncheckedIOException(path + ": read failed at byte " + offset + ": " + e.getMessage(), e);
        }
    }

    public Path path() { return path; }

    public boolean isClosed() { return chunks == null; }

    /** Whether the file has been mapped yet (tests). */
    boolean isMapped() {
        MappedByteBuffer[] c = chunks;
        return c != null && c != UNMAPPED;
    }

    @Override public long size() { return size; }

    private MappedByteBuffer[] chunks() {
        MappedByteBuffer[] c = chunks;
        if (c == null) throw new IllegalStateException("mapped file " + path + " is closed");
        return c;
    }

    @Override public byte get(long offset) {
        MappedByteBuffer[] c = chunks();
        ByteRegion.checkRange(size, offset, 1);
        if (c == UNMAPPED) {
            Block b = block;
            if (b != null && offset >= b.start && offset - b.start < b.bytes.length) return b.bytes[(int) (offset - b.start)];
            if (blockMisses < MAX_BLOCK_MISSES) {
                blockMisses++;
                long start = offset - offset % BLOCK_SIZE;
                byte[] bytes = new byte[(int) Math.min(BLOCK_SIZE, size - start)];
                read(start, bytes, 0, bytes.length);
                block = new Block(start, bytes);
                return bytes[(int) (offset - start)];
            }
            c = mapped();
        }
        return c[(int) (offset / chunkSize)].get((int) (offset % chunkSize));
    }

    @Override public void copyTo(long offset, byte[] dst, int dstOffset, int length) {
        MappedByteBuffer[] c = chunks();
        ByteRegion.checkRange(size, offset, length);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (c == UNMAPPED) {
            if (length <= MAX_READ_BEFORE_MAPPING) {
                read(offset, dst, dstOffset, length);
                return;
            }
            c = mapped();
        }
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
        chunks();
        ByteRegion.checkRange(size, offset, length);
        if (length == 0) return ByteBuffer.allocate(0).asReadOnlyBuffer();
        MappedByteBuffer[] c = mapped();
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

    /** Synchronized with the first mapping, so a file closed while it is being mapped stays closed. */
    @Override public synchronized void close() {
        chunks = null;
        block = null;
        if (file == null) return;
        try {
            file.close();
        } catch (IOException ignored) {
            // A read-only descriptor: nothing was buffered that closing could lose.
        }
    }

    @Override public String toString() {
        return "MappedFile[" + path + ", " + size + " bytes" + (isClosed() ? ", closed" : "") + "]";
    }
}
