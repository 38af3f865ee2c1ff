package dev.torch4j.numpy;

import dev.torch4j.io.ByteRegion;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes numpy string arrays into the values numpy's {@code tolist()} gives: Python {@code str} for
 * {@code U}, {@code bytes} for {@code S}, trailing NULs removed (numpy strips them too), nested lists
 * following the shape, a bare value for a 0-d array.
 */
public final class TextArrays {
    /**
     * Elements decoded per array. A Java string costs ~50 bytes against numpy's 1 to 4 per character,
     * so a large vocabulary array would multiply its size in memory: beyond this it stays unread.
     */
    public static final long MAX_ELEMENTS = 1L << 22;

    private TextArrays() {}

    /**
     * The array's values. {@code data} holds exactly numel * itemSize bytes in C order (Fortran-order
     * data is read in its own order and re-nested to the shape).
     *
     * @throws IllegalArgumentException for too many elements or an invalid code point
     */
    public static Object decode(ByteRegion data, TextType type, long[] shape, boolean fortran) {
        long numel = 1;
        for (long d : shape) numel = Math.multiplyExact(numel, d);
        if (numel > MAX_ELEMENTS) {
            throw new IllegalArgumentException("string array of " + numel + " elements is larger than the "
                    + MAX_ELEMENTS + " read as values");
        }
        int item = type.itemSize();
        Object[] flat = new Object[(int) numel];
        byte[] buf = new byte[item];
        for (int i = 0; i < numel; i++) {
            data.copyTo((long) i * item, buf, 0, item);
            flat[i] = type.unicode() ? ucs4(buf, type) : bytes(buf);
        }
        if (shape.length == 0) return flat[0];
        long[] strides = fortran ? NpyFile.fortranStrides(shape) : dev.torch4j.tensor.Tensor.contiguousStrides(shape);
        return nest(flat, shape, strides, 0, 0);
    }

    private static List<Object> nest(Object[] flat, long[] shape, long[] strides, int dim, long base) {
        List<Object> out = new ArrayList<>((int) shape[dim]);
        for (long i = 0; i < shape[dim]; i++) {
            long at = base + i * strides[dim];
            out.add(dim == shape.length - 1 ? flat[(int) at] : nest(flat, shape, strides, dim + 1, at));
        }
        return out;
    }

    /** Python bytes values are {@code byte[]} in torch4j's object trees (small ones; see PyBytes). */
    private static byte[] bytes(byte[] buf) {
        int n = buf.length;
        while (n > 0 && buf[n - 1] == 0) n--;
        return java.util.Arrays.copyOf(buf, n);
    }

    private static String ucs4(byte[] buf, TextType type) {
        StringBuilder s = new StringBuilder(buf.length / 4);
        boolean big = type.order() == java.nio.ByteOrder.BIG_ENDIAN;
        for (int i = 0; i + 4 <= buf.length; i += 4) {
            int cp = big
                    ? (buf[i] & 0xff) << 24 | (buf[i + 1] & 0xff) << 16 | (buf[i + 2] & 0xff) << 8 | buf[i + 3] & 0xff
                    : (buf[i + 3] & 0xff) << 24 | (buf[i + 2] & 0xff) << 16 | (buf[i + 1] & 0xff) << 8 | buf[i] & 0xff;
            if (cp < 0 || cp > Character.MAX_CODE_POINT) {
                throw new IllegalArgumentException("invalid code point 0x" + Integer.toHexString(cp) + " in a " + type.descr() + " array");
            }
            s.appendCodePoint(cp);
        }
        int n = s.length();
        while (n > 0 && s.charAt(n - 1) == 0) n--;
        s.setLength(n);
        return s.toString();
    }
}
