package dev.torch4j.rebuild;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;

import static dev.torch4j.read.PyValues.describe;
import static dev.torch4j.read.PyValues.toLong;
import static dev.torch4j.read.PyValues.toLongArray;

/** Builds a {@link Tensor} from the (storage, offset, size, stride) every tensor reconstructor receives. */
public final class TensorBuilder {
    private TensorBuilder() {}

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
        // Fresh arrays, not a per-thread scratch pair: ThreadLocal.get costs the client compiler (short
        // commands) a native call per lookup, more than two small allocations; the Tensor keeps a
        // shared copy (SharedShapes).
        long[] shape = toLongArray(sizeArg, "size");
        long[] stride = toLongArray(strideArg, "stride");
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
