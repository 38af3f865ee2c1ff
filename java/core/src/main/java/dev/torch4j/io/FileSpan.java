package dev.torch4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A run of bytes as it lies in an open file, for copies the kernel can do on its own
 * ({@link FileChannel#transferTo}: {@code sendfile} on Linux) instead of reading the file's mapping
 * page by page in Java. Obtained from {@link ByteRegion#fileSpan}; valid while the region's file
 * stays open.
 */
public final class FileSpan {
    private final FileChannel source;
    private final long offset;
    private final long length;

    FileSpan(FileChannel source, long offset, long length) {
        this.source = source;
        this.offset = offset;
        this.length = length;
    }

    /** Bytes in the span. */
    public long length() { return length; }

    /**
     * Copies {@code [from, from+count)} of the span to {@code target} at {@code position},
     * leaving {@code target}'s position after the bytes written.
     *
     * @throws IOException when reading or writing fails, or the file ends early (truncated since it was opened)
     */
    public void copyTo(long from, long count, FileChannel target, long position) throws IOException {
        ByteRegion.checkRange(length, from, count);
        target.position(position);
        long done = 0;
        while (done < count) {
            long n = source.transferTo(offset + from + done, count - done, target);
            if (n <= 0) throw new IOException("file ended at byte " + (offset + from + done) + " (truncated since it was opened?)");
            done += n;
        }
    }
}
