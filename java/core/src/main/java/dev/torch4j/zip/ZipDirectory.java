package dev.torch4j.zip;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a zip's central directory straight from the mapped bytes: end record, ZIP64 locator and
 * record, then one header per entry. Every offset and length is checked against the bytes that
 * exist before it is used, so a truncated or hostile archive fails with the record and byte
 * offset at fault (a general-purpose zip library only says "error reading zip content"), and a
 * declared entry count cannot make us allocate more than the directory's real size allows.
 */
final class ZipDirectory {
    private static final int EOCD = 0x06054b50;
    private static final int EOCD_SIZE = 22;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int ZIP64_EOCD_SIZE = 56;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int CENTRAL_HEADER_SIZE = 46;
    private static final int MAX_COMMENT = 0xFFFF;

    private final String file;
    private final ByteRegion bytes;
    /** A copy of bytes [dirStart, dirEnd) of the central directory (all of it, or a window), or null. */
    private byte[] dir;
    private long dirStart;
    private long dirEnd;
    /**
     * The most of a directory copied to the heap at a time: all of it up to ~1,000,000 entries. The
     * headers' ~10 field reads per entry are then array accesses instead of a mapped buffer's call
     * chain (bounds, scope, Unsafe) that a cold command runs in the interpreter (20,000 entries:
     * 1.2 MB); a larger directory is read through a window of this size, so a directory that
     * declares gigabytes costs no more than this.
     */
    static final int WINDOW = 64 << 20;
    /** A central header with the longest name, extra field and comment. */
    static final int MAX_HEADER = CENTRAL_HEADER_SIZE + 3 * 0xFFFF;
    /** {@link #WINDOW}, or less in tests of the sliding window. */
    private final int window;

    private ZipDirectory(String file, ByteRegion bytes, int window) {
        this.file = file;
        this.bytes = bytes;
        this.window = window;
    }

    /** The entries in central-directory order, directories included. */
    static List<ZipArchive.Entry> read(String file, ByteRegion bytes) throws TorchFileException {
        return read(file, bytes, WINDOW);
    }

    /** As {@link #read(String, ByteRegion)}, copying at most {@code window} bytes (at least {@link #MAX_HEADER}) at a time. */
    static List<ZipArchive.Entry> read(String file, ByteRegion bytes, int window) throws TorchFileException {
        if (window < MAX_HEADER) throw new IllegalArgumentException("window smaller than a central header can be: " + window);
        return new ZipDirectory(file, bytes, window).entries();
    }

    private List<ZipArchive.Entry> entries() throws TorchFileException {
        long size = bytes.size();
        long eocd = findEndRecord();
        long count = u16(eocd + 10);
        long cdSize = u32(eocd + 12);
        long cdOffset = u32(eocd + 16);
        long directoryEnd = eocd; // the directory must end before the record that describes it
        long locator = eocd - ZIP64_LOCATOR_SIZE;
        if (locator >= 0 && i32(locator) == ZIP64_LOCATOR) {
            long z = i64(locator + 8);
            if (z < 0 || z > locator - ZIP64_EOCD_SIZE) {
                throw error(ErrorKind.TRUNCATED, locator + 8, "ZIP64 locator points at byte " + z + ", outside the "
                        + size + "-byte file (truncated?)");
            }
            if (i32(z) != ZIP64_EOCD) throw error(z, "no ZIP64 end of central directory record where the locator points");
            count = i64(z + 32);
            cdSize = i64(z + 40);
            cdOffset = i64(z + 48);
            directoryEnd = z;
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > directoryEnd || cdSize > directoryEnd - cdOffset) {
            throw error(eocd, "central directory of " + cdSize + " bytes at byte " + cdOffset
                    + " does not lie within the " + directoryEnd + " bytes before its end record (truncated or corrupt)");
        }
        // Each header takes at least 46 bytes: bounds the list before any allocation.
        if (count < 0 || count > cdSize / CENTRAL_HEADER_SIZE) {
            throw error(eocd, "end record declares " + count + " entries, more than its " + cdSize
                    + "-byte central directory can hold");
        }
        List<ZipArchive.Entry> out = new ArrayList<>((int) count);
        long p = cdOffset;
        long cdEnd = cdOffset + cdSize; // within the file: checked above
        for (long i = 0; i < count; i++) p = header(p, i, count, cdEnd, out);
        return out;
    }

    /**
     * Reads central header {@code i} at {@code p} into {@code out} and returns where the next one
     * starts. A method of its own, not the body of the loop in {@link #entries}: the JIT compiles
     * it after a few hundred entries, where a loop body waits ~60,000 iterations for on-stack
     * replacement, so a 20,000-entry directory was read by the interpreter throughout.
     */
    private long header(long p, long i, long count, long cdEnd, List<ZipArchive.Entry> out) throws TorchFileException {
        cover(p, cdEnd);
        if (p > cdEnd - CENTRAL_HEADER_SIZE || i32(p) != CENTRAL_HEADER) {
            throw error(p, "central directory header " + i + " of " + count + " missing (corrupt directory)");
        }
        int flags = u16(p + 8);
        int method = u16(p + 10);
        long compressed = u32(p + 20);
        long uncompressed = u32(p + 24);
        int nameLength = u16(p + 28);
        int extraLength = u16(p + 30);
        int commentLength = u16(p + 32);
        long localHeader = u32(p + 42);
        long next = p + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
        if (next > cdEnd) {
            throw error(p, "central directory header " + i + " runs past the end of the directory");
        }
        // The header lies within the directory (checked above), so cover(p) copied all of it; the
        // name is decoded straight from the window.
        String name = new String(dir, (int) (p + CENTRAL_HEADER_SIZE - dirStart), nameLength, StandardCharsets.UTF_8);
        if (uncompressed == 0xFFFFFFFFL || compressed == 0xFFFFFFFFL || localHeader == 0xFFFFFFFFL) {
            // ZIP64: the 32-bit fields that are all ones are in the extra field, in this order.
            long extra = p + CENTRAL_HEADER_SIZE + nameLength;
            long[] values = {uncompressed, compressed, localHeader};
            boolean[] wide = {uncompressed == 0xFFFFFFFFL, compressed == 0xFFFFFFFFL, localHeader == 0xFFFFFFFFL};
            zip64(name, extra, extraLength, values, wide);
            for (long v : values) {
                if (v < 0) throw error(p, "entry " + name + ": ZIP64 size or offset " + v + " is negative");
            }
            uncompressed = values[0];
            compressed = values[1];
            localHeader = values[2];
        }
        out.add(new ZipArchive.Entry(name, method, uncompressed, compressed, localHeader, -1, flags));
        return next;
    }

    /**
     * The end of central directory record: the last signature within the last 22 + 65535 bytes (it may
     * carry a comment). Python's zipfile and libtorch's miniz both take the last one, even when the
     * comment it claims runs past the end of the file: so must every reader of ours, or the scanner
     * would rate a directory PyTorch never reads.
     */
    private long findEndRecord() throws TorchFileException {
        long size = bytes.size();
        if (size < EOCD_SIZE) {
            throw error(ErrorKind.TRUNCATED, 0, "only " + size + " bytes: too short for a zip archive (truncated?)");
        }
        long stop = Math.max(0, size - EOCD_SIZE - MAX_COMMENT);
        for (long p = size - EOCD_SIZE; p >= stop; p--) {
            if (bytes.get(p) == 'P' && i32(p) == EOCD) return p;
        }
        throw error(ErrorKind.TRUNCATED, size, "no end of central directory record in the last " + (size - stop)
                + " bytes (truncated?)");
    }

    private void zip64(String name, long extra, int length, long[] values, boolean[] wide) throws TorchFileException {
        long end = extra + length;
        for (long q = extra; q <= end - 4; ) {
            int id = u16(q);
            int size = u16(q + 2);
            if (q + 4 + size > end) break;
            if (id == 1) {
                long at = q + 4;
                for (int k = 0; k < 3; k++) {
                    if (!wide[k]) continue;
                    if (at + 8 > q + 4 + size) {
                        throw error(q, "entry " + name + ": ZIP64 extra field too short for its sizes");
                    }
                    values[k] = i64(at);
                    at += 8;
                }
                return;
            }
            q += 4 + size;
        }
        throw error(extra, "entry " + name + ": sizes marked ZIP64 but no ZIP64 extra field");
    }

    private TorchFileException error(long offset, String reason) {
        return error(ErrorKind.CORRUPT, offset, reason);
    }

    private TorchFileException error(ErrorKind kind, long offset, String reason) {
        return new TorchFileException(kind, file, null, offset, reason);
    }

    /** Copies the directory from {@code p} on into {@link #dir} unless a whole header from {@code p} is already there. */
    private void cover(long p, long cdEnd) {
        if (dir != null && p >= dirStart && Math.min(p + MAX_HEADER, cdEnd) <= dirEnd) return;
        int len = (int) Math.min(cdEnd - p, window);
        if (len <= 0) return;
        if (dir == null || dir.length < len) dir = new byte[len];
        bytes.copyTo(p, dir, 0, len);
        dirStart = p;
        dirEnd = p + len;
    }

    private int u16(long at) {
        if (at >= dirStart && at <= dirEnd - 2) {
            int i = (int) (at - dirStart);
            return (dir[i] & 0xff) | (dir[i + 1] & 0xff) << 8;
        }
        return (bytes.get(at) & 0xff) | (bytes.get(at + 1) & 0xff) << 8;
    }

    private int i32(long at) {
        if (at >= dirStart && at <= dirEnd - 4) {
            int i = (int) (at - dirStart);
            return (dir[i] & 0xff) | (dir[i + 1] & 0xff) << 8 | (dir[i + 2] & 0xff) << 16 | dir[i + 3] << 24;
        }
        return u16(at) | u16(at + 2) << 16;
    }

    private long u32(long at) {
        return i32(at) & 0xFFFFFFFFL;
    }

    private long i64(long at) {
        return u32(at) | u32(at + 4) << 32;
    }
}
