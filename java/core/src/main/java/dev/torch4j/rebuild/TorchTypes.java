package dev.torch4j.rebuild;

import dev.torch4j.pickle.PyCallable;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;

/**
 * The torch globals that pickles use as values rather than call: dtypes, storage classes, qschemes,
 * layouts and memory formats. They are {@link PyCallable}s only so a resolver can return them.
 */
public final class TorchTypes {
    private TorchTypes() {}

    /** {@code torch.float32} and friends. */
    public record DTypeValue(DType dtype) implements PyCallable {
        @Override public Object call(PyTuple args) {
            throw new IllegalArgumentException("torch." + dtype.pythonName() + " is a dtype, not a callable");
        }
        @Override public String toString() { return "torch." + dtype.pythonName(); }
    }

    /**
     * {@code torch.FloatStorage}, {@code torch.cuda.HalfStorage}, {@code torch.UntypedStorage}...
     *
     * @param dtype null for untyped storages (their size is counted in bytes)
     */
    public record StorageClass(String qualifiedName, DType dtype) implements PyCallable {
        @Override public Object call(PyTuple args) {
            throw new IllegalArgumentException("constructing " + qualifiedName + " from a pickle is not supported");
        }
        @Override public String toString() { return qualifiedName; }
    }

    /** {@code torch.per_tensor_affine}, {@code torch.per_channel_affine}... */
    public record QScheme(String name) implements PyCallable {
        @Override public Object call(PyTuple args) {
            throw new IllegalArgumentException("torch." + name + " is a qscheme, not a callable");
        }
        @Override public String toString() { return "torch." + name; }
    }

    /** {@code torch.strided}, {@code torch.sparse_coo}, {@code torch.contiguous_format}... */
    public record Named(String qualifiedName) implements PyCallable {
        @Override public Object call(PyTuple args) {
            throw new IllegalArgumentException(qualifiedName + " is not a callable");
        }
        @Override public String toString() { return qualifiedName; }
    }
}
