package dev.torch4j.zip;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A large DEFLATED zip entry, inflated as it is read rather than all at once: only a window of
 * {@link #WINDOW} bytes is held, so hashing or converting a 1 GiB storage deflated into 1 MiB (a
 * zip bomb, or just a re-zipped checkpoint) costs 1 MiB of memory instead of 1 GiB. Reads in
 * order cost one pass; a read behind the window starts the inflater again from the entry's first
 * byte, at most {@link #MAX_RESTARTS} times, so a view read out of order (a transpose) fails
 * cleanly instead of inflating the entry once per row.
 */
final class InflatingRegion implements ByteRegion {
    static final int WINDOW = 1 << 20;
    static final int MAX_RESTARTS = 16;
    private static final int INPUT_CHUNK = 1 << 16;

    private final String file;
    private final String entry;
    private final ByteRegion compressed;
    private final long size;
    private final byte[] window;
    private Inflater inflater;
    private long inputUsed;
    private long produced;
    private long windowStart;
    private int windowLength;
    private int restarts;

    InflatingRegion(String file, String entry, ByteRegion compressed, long size) {
        this.file = file;
        this.entry = entry;
        this.compressed = compressed;
        this.size = size;
        this.window = new byte[(int) Math.min(WINDOW, Math.max(1, size))];
        this.inflater = new Inflater(true);
    }

    @Override public long size() { return size; }

    @Override public synchronized byte get(long offset) {
        ByteRegion.checkRange(size, offset, 1);
        moveTo(offset);
        return window[(int) (offset - windowStart)];
    }

    @Override public synchronized void copyTo(long offset, byte[] dst, int dstOffset, int length) {
        ByteRegion.checkRange(size, offset, length);
        while (length > 0) {
            moveTo(offset);
            int at = (int) (offset - windowStart);
            int n = Math.min(length, windowLength - at);
            System.arraycopy(window, at, dst, dstOffset, n);
            offset += n;
            dstOffset += n;
            length -= n;
        }
    }

    @Override public ByteRegion subRegion(long offset, long length) {
        return ByteRegion.view(this, offset, length);
    }

    /** Makes the window hold {@code offset}. */
    private void moveTo(long offset) {
        if (offset >= windowStart && offset < windowStart + windowLength) return;
        if (offset < windowStart) restart();
        while (offset >= windowStart + windowLength) fillNextWindow();
    }

    private void restart() {
        if (++restarts > MAX_RESTARTS) {
            throw failure(ErrorKind.LIMIT, windowStart, "read out of order more than " + MAX_RESTARTS + " times; a deflated entry over "
                    + ZipArchive.MAX_INFLATE_IN_MEMORY + " bytes is inflated as it is read, so only views read in order"
                    + " (no transposes) are supported (raise ZipArchive's in-memory limit or store the entry uncompressed)");
        }
        inflater.end();
        inflater = new Inflater(true);
        inputUsed = 0;
        produced = 0;
        windowStart = 0;
        windowLength = 0;
    }

    private void fillNextWindow() {
        windowStart = produced;
        windowLength = 0;
        int want = (int) Math.min(window.length, size - produced);
        try {
            while (windowLength < want) {
                if (inflater.needsInput()) {
                    long left = compressed.size() - inputUsed;
                    if (left == 0) break;
                    int n = (int) Math.min(INPUT_CHUNK, left);
                    inflater.setInput(compressed.slice(inputUsed, n));
                    inputUsed += n;
                }
                int n = inflater.inflate(window, windowLength, want - windowLength);
                if (n == 0 && (inflater.finished() || inflater.needsDictionary())) break;
                windowLength += n;
            }
        } catch (DataFormatException e) {
            throw failure(ErrorKind.CORRUPT, produced + windowLength, "corrupt deflated data: " + e.getMessage());
        }
        produced += windowLength;
        if (windowLength < want) {
            throw failure(ErrorKind.TRUNCATED, produced, "deflated data ends after " + produced + " of " + size + " declared bytes");
        }
    }

    private UncheckedIOException failure(ErrorKind kind, long offset, String reason) {
        return new UncheckedIOException(new TorchFileException(kind, file, entry, offset, reason));
    }
}
