package dev.torch4j.numpy;

/**
 * Where joblib puts an array's bytes in a {@code joblib.dump} stream, shared by the reader
 * ({@link JoblibArrays}) and the scanner, so both skip exactly what {@code joblib.load} reads:
 * after BUILD of a {@code NumpyArrayWrapper}, joblib 1.2+ (whose wrappers carry
 * {@code numpy_array_alignment_bytes}) writes one byte holding a padding length and that many
 * padding bytes, then the elements (the product of the shape, 1 for a 0-d array, times the item
 * size). Arrays whose dtype holds Python objects are pickled instead (a whole pickle follows).
 */
public final class JoblibLayout {
    /** joblib's {@code NUMPY_ARRAY_ALIGNMENT_BYTES}: the padding byte it writes is 1 to this many. */
    public static final int ALIGNMENT = 16;

    private JoblibLayout() {}

    /** Whether a class's module is joblib's numpy_pickle (or its compat module), also as vendored by old scikit-learn. */
    public static boolean isJoblibModule(String m) {
        return (m.endsWith("numpy_pickle") || m.endsWith("numpy_pickle_compat"))
                && (m.startsWith("joblib.") || m.contains(".joblib.") || m.equals("numpy_pickle"));
    }

    /** The bytes of an array's elements: shape product times item size (an exception on overflow or a negative dimension). */
    public static long dataBytes(long[] shape, String descr) {
        return ArrayViews.byteCount(shape, itemSize(descr));
    }

    /** numpy's item size for a type string such as {@code f8}, {@code U5} (4 bytes a character), {@code S3}, {@code V12}. */
    public static int itemSize(String descr) {
        var dt = new NumpyDType(descr).toDType();
        if (dt != null) return dt.itemSize();
        int i = 0;
        while (i < descr.length() && !Character.isDigit(descr.charAt(i))) i++;
        if (i == descr.length()) throw new IllegalArgumentException("numpy dtype '" + descr + "' has no item size");
        int n = Integer.parseInt(descr.substring(i));
        return descr.charAt(0) == 'U' ? Math.multiplyExact(n, 4) : n;
    }
}
