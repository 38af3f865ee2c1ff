package dev.torch4j.pickle;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.python.PyBytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bounded reads over a {@link ByteRegion}: every declared length is checked against the bytes
 * remaining before anything is allocated, so a hostile length fails at once instead of exhausting memory.
 * It also knows which opcode is being run ({@link #readOpcode}), so a problem found anywhere while
 * running it becomes a {@link TorchFileException} naming file, entry, opcode and its offset
 * ({@link #refuse}) right where it is found.
 */
final class PickleInput implements Refusal<TorchFileException> {
    /** Java arrays cannot be larger than this. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Bytes copied into the heap window at a time. A pickle is read a byte or two at a time, and an
     * array read is one instruction where a mapped buffer's get is a chain of calls (bounds, scope,
     * Unsafe) that the interpreter runs in full for a cold command's first ~100,000 opcodes (a
     * 20,000-tensor state_dict's pickle is 2 MB, 600,000 opcodes). Small, because the window is
     * copied again after every jump over a payload left in the file (a numpy pickle's arrays).
     */
    static final int WINDOW = 64 << 10;

    private final ByteRegion region;
    private final long end;
    private long pos;
    // A copy of region[winStart, winEnd), slid forward as the reads go: reads that fit in it never
    // touch the region (view -> mapping chunk -> bounds checks per byte).
    private final byte[] window;
    private long winStart;
    private long winEnd;

    private final String file;
    private final String entry;
    /** The opcode being run and its offset ({@link #readOpcode}), for {@link #refuse}; -1 when the input ended before it. */
    private int op = -1;
    private long opAt;

    PickleInput(ByteRegion region, long start, String file, String entry) throws TorchFileException {
        this.region = region;
        this.end = region.size();
        this.file = file;
        this.entry = entry;
        this.opAt = start;
        if (start < 0 || start > end) {
            throw new TorchFileException(ErrorKind.CORRUPT, file, entry, start,
                    "pickle start " + start + " outside input of " + end + " bytes");
        }
        this.pos = start;
        // No larger than the input: a scan opens many small pickles.
        this.window = new byte[(int) Math.max(8, Math.min(WINDOW, end - start))];
        slideWindow(start);
    }

    /** The failure for a problem found while running the current opcode: {@code opcode 0x.. NAME: reason} at its offset. */
    @Override public TorchFileException refuse(ErrorKind kind, String reason) {
        String what = op < 0 ? "reading the next opcode" : Opcodes.describe(op);
        return new TorchFileException(kind, file, entry, opAt, what + ": " + reason);
    }

    private TorchFileException truncated(String reason) {
        return refuse(ErrorKind.TRUNCATED, reason);
    }

    /** Copies the window from {@code p} on (as much as the input has, up to {@link #WINDOW}). */
    private void slideWindow(long p) {
        int len = (int) Math.min(end - p, window.length);
        if (len > 0) region.copyTo(p, window, 0, len);
        winStart = p;
        winEnd = p + Math.max(len, 0);
    }

    /** True when [p, p+n) is in the window, sliding it there first if possible. */
    private boolean windowed(long p, int n) {
        if (p >= winStart && p + n <= winEnd) return true;
        if (n > window.length / 2) return false;
        slideWindow(p);
        return p + n <= winEnd;
    }

    private byte at(long p) {
        return windowed(p, 1) ? window[(int) (p - winStart)] : region.get(p);
    }

    long position() { return pos; }

    long remaining() { return end - pos; }

    boolean atEnd() { return pos >= end; }

    /**
     * The next opcode byte, marking it as the opcode being run ({@link #refuse} names it); at the end
     * of the input the failure says the next opcode was being read.
     */
    int readOpcode() throws TorchFileException {
        long p = pos;
        opAt = p;
        if (p >= end) {
            op = -1;
            throw truncated("unexpected end of input");
        }
        pos = p + 1;
        int b = p >= winStart && p < winEnd ? window[(int) (p - winStart)] & 0xff : at(p) & 0xff;
        op = b;
        return b;
    }

    int readByte() throws TorchFileException {
        if (pos >= end) throw truncated("unexpected end of input");
        long p = pos++;
        if (p >= winStart && p < winEnd) return window[(int) (p - winStart)] & 0xff;
        return at(p) & 0xff;
    }

    /** An unsigned little-endian integer of {@code n} (1 to 8) bytes; 8 bytes may come back negative. */
    long readUnsigned(int n) throws TorchFileException {
        require(n);
        long v;
        if (windowed(pos, n)) {
            int i = (int) (pos - winStart);
            v = 0;
            for (int k = 0; k < n; k++) v |= (long) (window[i + k] & 0xff) << (8 * k);
        } else {
            v = 0;
            for (int i = 0; i < n; i++) v |= (long) (region.get(pos + i) & 0xff) << (8 * i);
        }
        pos += n;
        return v;
    }

    int readInt32() throws TorchFileException { return (int) readUnsigned(4); }

    double readDoubleBigEndian() throws TorchFileException {
        require(8);
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (at(pos + i) & 0xff);
        pos += 8;
        return Double.longBitsToDouble(v);
    }

    /** Checks that a length read from the input fits what remains, before the caller allocates. */
    int checkLength(long declared) throws TorchFileException {
        if (declared < 0 || declared > remaining()) {
            throw truncated("declared length " + Long.toUnsignedString(declared)
                    + " exceeds the " + remaining() + " bytes remaining");
        }
        if (declared > MAX_ARRAY) throw refuse(ErrorKind.LIMIT, "declared length " + declared + " is over 2 GiB");
        return (int) declared;
    }

    byte[] readBytes(long declared) throws TorchFileException {
        int n = checkLength(declared);
        byte[] out = new byte[n];
        if (windowed(pos, n)) {
            System.arraycopy(window, (int) (pos - winStart), out, 0, n);
        } else {
            region.copyTo(pos, out, 0, n);
        }
        pos += n;
        return out;
    }

    /** Strings up to this many bytes are decoded through {@link #scratch} (keys and names, nearly all of them). */
    private static final int SCRATCH_LIMIT = 4096;
    private byte[] scratch = new byte[64];

    /**
     * A str of {@code declared} UTF-8 bytes. ASCII text (state_dict keys, storage keys, locations)
     * becomes a String in one copy from the input; anything else goes through {@link Utf8#decode}.
     */
    String readUtf8(long declared) throws TorchFileException {
        int n = checkLength(declared);
        if (n > SCRATCH_LIMIT) return Utf8.decode(readBytes(n), this);
        if (n > scratch.length) scratch = new byte[Math.max(n, 2 * scratch.length)];
        byte[] b = scratch;
        if (windowed(pos, n)) {
            System.arraycopy(window, (int) (pos - winStart), b, 0, n);
        } else {
            region.copyTo(pos, b, 0, n);
        }
        pos += n;
        for (int i = 0; i < n; i++) {
            if (b[i] < 0) return Utf8.decode(Arrays.copyOf(b, n), this);
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1); // ASCII: latin-1 is the same text
    }

    /**
     * A bytes payload of {@code declared} bytes: a {@link PyBytes} view of the input (no copy, any
     * size the input holds) from {@link PyBytes#VIEW_THRESHOLD} bytes up, else a heap copy.
     */
    Object readBytesValue(long declared) throws TorchFileException {
        if (declared < PyBytes.VIEW_THRESHOLD) return readBytes(declared);
        if (declared > remaining()) {
            throw truncated("declared length " + Long.toUnsignedString(declared)
                    + " exceeds the " + remaining() + " bytes remaining");
        }
        PyBytes view = new PyBytes(region.subRegion(pos, declared));
        pos += declared;
        return view;
    }

    void skip(long declared) throws TorchFileException {
        pos += checkLength(declared);
    }

    /** Bytes up to the next newline (consumed, not returned). */
    byte[] readLine() throws TorchFileException {
        long p = pos;
        while (true) {
            if (p >= end) throw truncated("unexpected end of input in a text line");
            if (at(p) == '\n') break;
            p++;
        }
        byte[] line = readBytes(p - pos);
        pos++;
        return line;
    }

    String readAsciiLine() throws TorchFileException {
        return new String(readLine(), StandardCharsets.ISO_8859_1);
    }

    String readUtf8Line() throws TorchFileException {
        return new String(readLine(), StandardCharsets.UTF_8);
    }

    private void require(int n) throws TorchFileException {
        if (end - pos < n) throw truncated("unexpected end of input (needed " + n + " bytes, " + (end - pos) + " left)");
    }
}
