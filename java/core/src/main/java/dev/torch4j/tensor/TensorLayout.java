package dev.torch4j.tensor;

/** Shape/stride arithmetic, with every product checked for overflow. */
final class TensorLayout {
    private TensorLayout() {}

    static long numel(long[] shape) {
        throw new UnsupportedOperationException("TODO");
    }

    static boolean isContiguous(long[] shape, long[] stride) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Throws IllegalArgumentException when the view reaches outside the storage or values are negative. */
    static void checkFits(DType dtype, long[] shape, long[] stride, long offset, Storage storage) {
        // TODO
    }
}
