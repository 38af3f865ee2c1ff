package dev.torch4j.numpy;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.python.PyBytes;
import dev.torch4j.pickle.PyReplacing;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What {@code numpy.core.multiarray._reconstruct} returns: an array waiting for its BUILD state
 * {@code (version, shape, dtype, is_fortran, rawdata)}. Once built, arrays of numeric dtypes are
 * replaced by a {@link Tensor}; others (object arrays, strings, records) stay as this placeholder,
 * with their shape, dtype and data (a list for object arrays, bytes otherwise).
 */
public final class NumpyArray extends PyReplacing {
    private final Object subtype;
    private long[] shape = new long[0];
    private NumpyDType dtype;
    private boolean fortran;
    private Object data;
    private Object replacement = this;

    public NumpyArray(Object subtype) {
        this.subtype = subtype;
    }

    /** The array class the pickle named (usually {@code numpy.ndarray}). */
    public Object subtype() { return subtype; }
    public long[] shape() { return shape.clone(); }
    public NumpyDType dtype() { return dtype; }
    public boolean isFortranOrder() { return fortran; }
    /** The elements: a list for object arrays, bytes otherwise. */
    public Object data() { return data; }

    @Override public void setState(Object state) {
        if (!(state instanceof PyTuple t) || (t.size() != 5 && t.size() != 4)) {
            throw new IllegalArgumentException("ndarray state must be (version, shape, dtype, is_fortran, data)");
        }
        int i = t.size() == 5 ? 1 : 0;
        shape = NumpyGlobals.shape(t.get(i));
        if (!(t.get(i + 1) instanceof NumpyDType d)) throw new IllegalArgumentException("ndarray dtype must be a numpy.dtype");
        dtype = d;
        fortran = NumpyGlobals.truthy(t.get(i + 2));
        data = t.get(i + 3);
        if (data instanceof String s) data = s.getBytes(StandardCharsets.ISO_8859_1); // Python 2 str payload
        if (dtype.isObject()) {
            if (!(data instanceof List<?>)) throw new IllegalArgumentException("object array data must be a list");
            return;
        }
        if (!(data instanceof byte[]) && !(data instanceof PyBytes)) throw new IllegalArgumentException("array data must be bytes");
        DType dt = dtype.toDType();
        if (dt != null) replacement = tensor(dt, dtype, shape, fortran, NumpyGlobals.region(data));
        // Placeholders keep data() a byte[] (their callers expect one); only numeric arrays stay views.
        else if (data instanceof PyBytes p) data = p.toByteArray();
    }

    @Override public Object replacement() { return replacement; }

    /** A tensor over {@code bytes} laid out in C (row-major) or Fortran (column-major) order. */
    static Tensor tensor(DType dt, NumpyDType npType, long[] shape, boolean fortran, ByteRegion bytes) {
        long numel = 1;
        for (long s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension " + s);
            numel = Math.multiplyExact(numel, s);
        }
        long expected = Math.multiplyExact(numel, (long) dt.itemSize());
        if (expected != bytes.size()) {
            throw new IllegalArgumentException("array data holds " + bytes.size() + " bytes, shape and dtype need " + expected);
        }
        long[] stride = new long[shape.length];
        long step = 1;
        if (fortran) {
            for (int k = 0; k < shape.length; k++) { stride[k] = step; step *= Math.max(shape[k], 1); }
        } else {
            for (int k = shape.length - 1; k >= 0; k--) { stride[k] = step; step *= Math.max(shape[k], 1); }
        }
        Storage storage = Storage.ofBytes("numpy", dt, bytes, npType.byteOrder());
        return new Tensor(dt, shape, stride, 0, storage);
    }

    @Override public String toString() {
        return "ndarray(" + dtype + ", shape=" + java.util.Arrays.toString(shape) + ")";
    }
}
