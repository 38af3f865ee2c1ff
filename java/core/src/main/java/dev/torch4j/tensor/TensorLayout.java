package dev.torch4j.tensor;

import java.util.Arrays;

/** Shape/stride arithmetic, with every product checked for overflow. */
final class TensorLayout {
    private TensorLayout() {}

    /** Product of the sizes; IllegalArgumentException for a negative size or when it overflows a long. */
    static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative size in shape " + Arrays.toString(shape));
            try {
                n = Math.multiplyExact(n, s);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("element count of shape " + Arrays.toString(shape) + " overflows");
            }
        }
        return n;
    }

    /**
     * PyTorch's rule: row-major strides, except that dimensions of size 1 may have any stride,
     * and a tensor with no elements is always contiguous.
     */
    static boolean isContiguous(long[] shape, long[] stride) {
        for (long s : shape) {
            if (s == 0) return true;
        }
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (stride[i] != expected) return false;
            expected *= shape[i]; // cannot overflow: Tensor checked that numel fits in a long
        }
        return true;
    }

    /** Row-major strides for a shape (what {@code contiguous()} produces). */
    static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s = Math.multiplyExact(s, Math.max(shape[i], 1));
        }
        return stride;
    }

    /** Throws IllegalArgumentException when the view reaches outside the storage or values are negative. */
    static void checkFits(DType dtype, long[] shape, long[] stride, long offset, Storage storage) {
        if (dtype == null) throw new IllegalArgumentException("tensor without dtype");
        if (storage == null) throw new IllegalArgumentException("tensor without storage");
        if (shape.length != stride.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and stride "
                    + Arrays.toString(stride) + " differ in length");
        }
        if (offset < 0) throw new IllegalArgumentException("negative storage offset " + offset);
        for (long s : stride) {
            if (s < 0) throw new IllegalArgumentException("negative stride in " + Arrays.toString(stride));
        }
        long numel = numel(shape);
        // Views with stride 0 may have any numel over a tiny storage, but byteSize() must still be a long.
        if (numel > Long.MAX_VALUE / dtype.itemSize()) {
            throw new IllegalArgumentException(describe(dtype, shape, stride, offset) + ": logical size in bytes overflows");
        }
        if (numel == 0) return; // an empty view reads nothing, wherever it points
        try {
            long last = offset;
            for (int i = 0; i < shape.length; i++) {
                last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
            }
            long endByte = Math.multiplyExact(Math.addExact(last, 1), (long) dtype.itemSize());
            if (endByte > storage.byteSize()) {
                throw new IllegalArgumentException(describe(dtype, shape, stride, offset)
                        + " reaches byte " + endByte + " but storage " + storage.key() + " holds "
                        + storage.byteSize() + " bytes");
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(describe(dtype, shape, stride, offset) + ": element offsets overflow");
        }
    }

    private static String describe(DType dtype, long[] shape, long[] stride, long offset) {
        return dtype.pythonName() + " view of shape " + Arrays.toString(shape) + ", stride "
                + Arrays.toString(stride) + ", offset " + offset;
    }
}
