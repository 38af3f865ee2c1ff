package dev.torch4j.rebuild;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;

import static dev.torch4j.read.PyValues.describe;
import static dev.torch4j.read.PyValues.toLong;
import static dev.torch4j.read.PyValues.toLongArray;

/** Builds a {@link Tensor} from the (storage, offset, size, stride) every tensor reconstructor receives. */
public final class TensorBuilder {
    private TensorBuilder() {}

    /** Per thread and rank, two arrays (size, stride) that the Tensor copies or shares from: no garbage per tensor. */
    private static final int SCRATCH_RANKS = 9;
    private static final ThreadLocal<long[][][]> SCRATCH = ThreadLocal.withInitial(() -> {
        long[][][] byRank = new long[SCRATCH_RANKS][2][];
        for (int r = 0; r < SCRATCH_RANKS; r++) byRank[r] = new long[][] {new long[r], new long[r]};
        return byRank;
    });

    /**
     * The integers of a size or stride tuple. Common ranks go into a reused array: the Tensor
     * constructor keeps its own (shared) copy, never the array it is given.
     */
    private static long[] longs(Object v, String what, int which) {
        if (v instanceof java.util.List<?> list && list.size() < SCRATCH_RANKS) {
            long[] out = SCRATCH.get()[list.size()][which];
            for (int i = 0; i < out.length; i++) {
                out[i] = list.get(i) instanceof Long l ? l : toLong(list.get(i), what + "[" + i + "]");
            }
            return out;
        }
        return toLongArray(v, what);
    }

    /**
     * @param dtype the tensor dtype when the pickle names it ({@code _rebuild_tensor_v3}); otherwise
     *              the typed storage's dtype is used
     */
    public static Tensor build(String function, Object storageArg, Object offsetArg, Object sizeArg, Object strideArg,
                        DType dtype, boolean requiresGrad) {
        if (!(storageArg instanceof StorageRef ref)) {
            throw new IllegalArgumentException(function + " expects a storage (a persistent id), got " + describe(storageArg));
        }
        DType type = dtype != null ? dtype : ref.dtype();
        if (type == null) {
            throw new IllegalArgumentException(function + " over an untyped storage without a dtype");
        }
        long offset = toLong(offsetArg, "storage_offset");
        long[] shape = longs(sizeArg, "size", 0);
        long[] stride = longs(strideArg, "stride", 1);
        if (shape.length != stride.length) {
            throw new IllegalArgumentException("tensor size " + java.util.Arrays.toString(shape) + " and stride "
                    + java.util.Arrays.toString(stride) + " differ in length");
        }
        if (offset < 0 || ref.elementOffset() > Long.MAX_VALUE - offset) {
            throw new IllegalArgumentException("invalid storage_offset " + offset);
        }
        try {
            return new Tensor(type, shape, stride, offset + ref.elementOffset(), ref.storage(), requiresGrad, false, null);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("tensor does not fit storage " + ref.storage().key() + ": " + e.getMessage(), e);
        }
    }
}
