package dev.torch4j.python;

import dev.torch4j.io.ByteRegion;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A large Python {@code bytes}/{@code bytearray} value left where it lies in the file: the pickle
 * machine returns one instead of a {@code byte[]} copy for payloads of at least
 * {@value #VIEW_THRESHOLD} bytes, so a pickle of numpy arrays costs no heap for the array data
 * and payloads over 2 GiB (which no Java array can hold) still load. Smaller payloads stay
 * {@code byte[]}. Read-only; valid while the file it came from is open.
 */
public final class PyBytes {
    /** Payloads at least this long become views; below it a copy is cheaper than the view's objects. */
    public static final int VIEW_THRESHOLD = 64 << 10;

    private final ByteRegion region;

    public PyBytes(ByteRegion region) {
        this.region = Objects.requireNonNull(region, "region");
    }

    /** The bytes, without copying. */
    public ByteRegion region() { return region; }

    public long size() { return region.size(); }

    /** A heap copy; fails with a clear message for values over 2 GiB. */
    public byte[] toByteArray() {
        long n = region.size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a bytes value of " + n + " bytes is too large for a Java array");
        }
        byte[] out = new byte[(int) n];
        region.copyTo(0, out, 0, out.length);
        return out;
    }

    /** {@code bytes} or {@code byte[]} as a heap array; other values give null. */
    public static byte[] asByteArray(Object v) {
        if (v instanceof byte[] b) return b;
        if (v instanceof PyBytes p) return p.toByteArray();
        return null;
    }

    /** The length of a {@code bytes} value ({@code byte[]} or {@link PyBytes}), or -1 for other values. */
    public static long length(Object v) {
        if (v instanceof byte[] b) return b.length;
        if (v instanceof PyBytes p) return p.size();
        return -1;
    }

    /** Equal content, as Python compares bytes; compares in chunks so large values need no copy. */
    @Override public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof PyBytes p) || p.size() != size()) return false;
        long n = size();
        byte[] a = new byte[(int) Math.min(n, 8192)];
        byte[] b = new byte[a.length];
        for (long off = 0; off < n; off += a.length) {
            int len = (int) Math.min(a.length, n - off);
            region.copyTo(off, a, 0, len);
            p.region.copyTo(off, b, 0, len);
            if (!java.util.Arrays.equals(a, 0, len, b, 0, len)) return false;
        }
        return true;
    }

    /** Hashes the length and the first bytes: cheap, and consistent with {@link #equals}. */
    @Override public int hashCode() {
        int h = Long.hashCode(size());
        long n = Math.min(size(), 64);
        for (long i = 0; i < n; i++) h = 31 * h + region.get(i);
        return h;
    }

    @Override public String toString() {
        long n = Math.min(size(), 32);
        byte[] head = new byte[(int) n];
        region.copyTo(0, head, 0, head.length);
        return "b'" + new String(head, StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", ".")
                + "'... (" + size() + " bytes)";
    }
}
