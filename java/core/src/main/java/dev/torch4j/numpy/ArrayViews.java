package dev.torch4j.numpy;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Tensors over numpy array bytes where they lie (a mapped file, an inflated zip entry), in C or
 * Fortran order and either byte order: nothing is copied or converted until the elements are read.
 * Their storage keys start with {@value #KEY_PREFIX}, which is how a caller tells numpy arrays from
 * PyTorch tensors ({@link #isNumpy}).
 */
public final class ArrayViews {
    /** Storage keys of every tensor torch4j makes from a numpy array or scalar start with this. */
    public static final String KEY_PREFIX = "numpy";

    private ArrayViews() {}

    /** True when {@code t} was made from a numpy array or scalar rather than a PyTorch tensor. */
    public static boolean isNumpy(Tensor t) {
        String key = t.storage().key();
        return key.equals(KEY_PREFIX) || key.startsWith(KEY_PREFIX + ":");
    }

    /** Elements times item size, or an exception naming the overflow. */
    public static long byteCount(long[] shape, int itemSize) {
        long n = itemSize;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** A tensor viewing exactly {@code bytes} as an array of {@code shape}. */
    public static Tensor over(ByteRegion bytes, DType dtype, ByteOrder order, long[] shape, boolean fortran, String key) {
        long need = byteCount(shape, dtype.itemSize());
        if (bytes.size() != need) {
            throw new IllegalArgumentException("array data holds " + bytes.size() + " bytes, shape "
                    + Arrays.toString(shape) + " of " + dtype.pythonName() + " needs " + need);
        }
        long[] stride = fortran ? NpyFile.fortranStrides(shape) : Tensor.contiguousStrides(shape);
        Storage storage = Storage.ofBytes(KEY_PREFIX + ":" + key, dtype, bytes, order);
        return new Tensor(dtype, shape, stride, 0, storage);
    }
}
