package dev.torch4j.numpy;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.pickle.GlobalResolver;
import dev.torch4j.pickle.PyCallable;
import dev.torch4j.python.PyBytes;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * numpy arrays inside plain pickles, without numpy: {@code _reconstruct} + BUILD (every protocol),
 * {@code _frombuffer} (protocol 5), {@code dtype} and {@code scalar}, under both numpy 1
 * ({@code numpy.core}) and numpy 2 ({@code numpy._core}) module names. Numeric arrays and scalars
 * become {@link dev.torch4j.tensor.Tensor}s (scalars with shape {@code []}) over the pickle's bytes (a
 * view of the file for large arrays, see {@link PyBytes}) in the
 * pickle's byte order; other dtypes stay {@link NumpyArray} placeholders.
 */
public final class NumpyGlobals implements GlobalResolver {
    public static final NumpyGlobals INSTANCE = new NumpyGlobals();

    @Override public PyCallable resolve(String module, String name) {
        String core = module.equals("numpy.core.multiarray") || module.equals("numpy._core.multiarray") ? "multiarray"
                : module.equals("numpy.core.numeric") || module.equals("numpy._core.numeric") ? "numeric"
                : module;
        return switch (core + "." + name) {
            case "multiarray._reconstruct" -> NumpyFunction.RECONSTRUCT;
            case "multiarray.scalar" -> NumpyFunction.SCALAR;
            case "numeric._frombuffer" -> NumpyFunction.FROMBUFFER;
            case "numpy.dtype" -> NumpyFunction.DTYPE;
            default -> null;
        };
    }

    /**
     * The functions, one constant each (numpy 1 and 2 module names resolve to the same one), named by their
     * numpy 1 name. An enum, not lambdas: a short command's first lambda initialises java.lang.invoke (several
     * ms of a 0.2 s inspect); see docs/building.md.
     */
    private enum NumpyFunction implements PyCallable {
        RECONSTRUCT("numpy.core.multiarray._reconstruct"),
        SCALAR("numpy.core.multiarray.scalar"),
        FROMBUFFER("numpy.core.numeric._frombuffer"),
        DTYPE("numpy.dtype");

        private final String qualifiedName;

        NumpyFunction(String qualifiedName) {
            this.qualifiedName = qualifiedName;
        }

        @Override public Object call(PyTuple a) {
            return switch (this) {
                case RECONSTRUCT -> new NumpyArray(a.isEmpty() ? null : a.get(0));
                case SCALAR -> scalar(a);
                case FROMBUFFER -> fromBuffer(a);
                case DTYPE -> {
                    if (a.isEmpty() || !(a.get(0) instanceof String descr)) {
                        throw new IllegalArgumentException("dtype expects a type string");
                    }
                    yield new NumpyDType(descr);
                }
            };
        }

        @Override public String toString() { return qualifiedName; }
    }

    /** scalar(dtype, bytes): a 0-dimensional tensor, or the object itself for object dtype. */
    private static Object scalar(PyTuple a) {
        if (a.isEmpty() || !(a.get(0) instanceof NumpyDType d)) throw new IllegalArgumentException("scalar expects (dtype, data)");
        Object data = a.size() > 1 ? a.get(1) : null;
        if (d.isObject()) return data;
        DType dt = d.toDType();
        if (dt == null) {
            NumpyArray raw = new NumpyArray(null);
            raw.setState(PyTuple.of(1L, PyTuple.EMPTY, d, false, data));
            return raw;
        }
        return NumpyArray.tensor(dt, d, new long[0], false, region(data));
    }

    /** _frombuffer(buffer, dtype, shape, order): protocol 5's in-band array. */
    private static Object fromBuffer(PyTuple a) {
        if (a.size() != 4 || !(a.get(1) instanceof NumpyDType d)) throw new IllegalArgumentException("_frombuffer expects (buffer, dtype, shape, order)");
        Object data = a.get(0);
        long[] shape = shape(a.get(2));
        boolean fortran = "F".equals(a.get(3));
        DType dt = d.toDType();
        if (dt == null) {
            NumpyArray raw = new NumpyArray(null);
            raw.setState(PyTuple.of(1L, PyTuple.copyOf(toList(shape)), d, fortran, data));
            return raw;
        }
        return NumpyArray.tensor(dt, d, shape, fortran, region(data));
    }

    static long[] shape(Object v) {
        if (!(v instanceof List<?> dims)) throw new IllegalArgumentException("shape must be a tuple of ints");
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(dims.get(i) instanceof Long n) || n < 0) throw new IllegalArgumentException("bad dimension " + dims.get(i));
            out[i] = n;
        }
        return out;
    }

    static boolean truthy(Object v) {
        return v instanceof Boolean b ? b : v instanceof Long l && l != 0;
    }

    /** Array bytes where they lie: a {@link PyBytes} view of the file, or a heap array for small payloads. */
    static ByteRegion region(Object data) {
        if (data instanceof PyBytes p) return p.region();
        if (data instanceof byte[] b) return new HeapRegion(b);
        if (data instanceof String s) return new HeapRegion(s.getBytes(StandardCharsets.ISO_8859_1)); // Python 2 str
        throw new IllegalArgumentException("expected bytes, got " + (data == null ? "None" : data.getClass().getSimpleName()));
    }

    private static List<Object> toList(long[] shape) {
        java.util.ArrayList<Object> out = new java.util.ArrayList<>();
        for (long s : shape) out.add(s);
        return out;
    }
}
