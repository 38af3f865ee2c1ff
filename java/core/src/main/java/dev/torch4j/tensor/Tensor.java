package dev.torch4j.tensor;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A PyTorch tensor read from a file: dtype, shape, strides and offset (in elements) over a
 * {@link Storage} that may be shared with other tensors. Data stays in the file until asked for.
 *
 * <p><b>Thread safety:</b> immutable; any number of threads may read the same tensor (or tensors
 * sharing a storage) at once while its {@link dev.torch4j.Checkpoint} is open. Arrays and buffers
 * it returns belong to the caller (byte buffers over the mapping are read-only views).
 */
public final class Tensor {
    private final DType dtype;
    private final long[] shape;
    private final long[] stride;
    private final long storageOffset;
    private final Storage storage;
    private final boolean requiresGrad;
    private final boolean parameter;
    private final Quantization quantization;

    public Tensor(DType dtype, long[] shape, long[] stride, long storageOffset, Storage storage,
                  boolean requiresGrad, boolean parameter, Quantization quantization) {
        this.dtype = dtype;
        // Private copies (equal tensors share one: SharedShapes), so a caller's later writes cannot
        // move the view after it was checked.
        this.shape = SharedShapes.of(shape);
        this.stride = SharedShapes.of(stride);
        this.storageOffset = storageOffset;
        this.storage = storage;
        this.requiresGrad = requiresGrad;
        this.parameter = parameter;
        this.quantization = quantization;
        // Shape/stride/offset must stay inside the storage: checked here, so no later read goes out of bounds.
        TensorLayout.checkFits(dtype, this.shape, this.stride, storageOffset, storage);
    }

    public Tensor(DType dtype, long[] shape, long[] stride, long storageOffset, Storage storage) {
        this(dtype, shape, stride, storageOffset, storage, false, false, null);
    }

    /** Row-major (C-contiguous) strides in elements for {@code shape}: what torch.empty(shape) has. */
    public static long[] contiguousStrides(long... shape) {
        return TensorLayout.contiguousStrides(shape);
    }

    public DType dtype() { return dtype; }
    public long[] shape() { return shape.clone(); }
    public long[] stride() { return stride.clone(); }
    /** The size of dimension {@code dim} (0-based; no negative indices): {@code shape()[dim]} without the copy. */
    public long size(int dim) { return shape[dim]; }
    /** The stride of dimension {@code dim} in elements: {@code stride()[dim]} without the copy. */
    public long stride(int dim) { return stride[dim]; }
    public long storageOffset() { return storageOffset; }
    public Storage storage() { return storage; }
    public boolean requiresGrad() { return requiresGrad; }
    /** Saved as {@code torch.nn.Parameter}. */
    public boolean isParameter() { return parameter; }
    /** Quantization parameters, or null for ordinary tensors. */
    public Quantization quantization() { return quantization; }
    /** Device the storage was saved from ({@code cpu}, {@code cuda:0}...); data is always read to the host. */
    public String device() { return storage.location(); }

    public int dim() { return shape.length; }

    public long numel() { return TensorLayout.numel(shape); }

    public long byteSize() { return numel() * dtype.itemSize(); }

    public boolean isContiguous() { return TensorLayout.isContiguous(shape, stride); }

    /** The same tensor, marked as a Parameter with the given requires_grad. */
    public Tensor asParameter(boolean requiresGrad) {
        return new Tensor(dtype, shape, stride, storageOffset, storage, requiresGrad, true, quantization);
    }

    /** The same tensor with quantization parameters attached. */
    public Tensor withQuantization(Quantization q) {
        return new Tensor(dtype, shape, stride, storageOffset, storage, requiresGrad, parameter, q);
    }

    /**
     * Elements in row-major order, each little-endian (bool 0/1 in one byte, complex as real then
     * imaginary, quantized as their integer representation): the bytes {@code inspect --hash} hashes.
     */
    public byte[] toByteArray() { return TensorData.rowMajorLittleEndian(this); }

    /**
     * A read-only view of the elements in native byte order: zero-copy when the tensor is contiguous
     * and the file's byte order is native, else a contiguous copy. Limited to 2 GiB per tensor.
     */
    public ByteBuffer asByteBuffer() { return TensorData.asByteBuffer(this); }

    /**
     * Elements as float (half, bfloat16, float8 converted exactly; float64 and integers by Java's casts;
     * complex as interleaved real, imaginary pairs). Throws IllegalStateException past 2^31 values.
     */
    public float[] toFloatArray() { return TensorData.toFloatArray(this); }
    /** Elements as double (exact for every float dtype; complex as interleaved pairs). */
    public double[] toDoubleArray() { return TensorData.toDoubleArray(this); }
    /** Integer, bool and quantized (integer representation) elements; uint64 as raw bits. Floats throw. */
    public long[] toLongArray() { return TensorData.toLongArray(this); }
    /** Like {@link #toLongArray()}, throwing IllegalStateException for a value outside int range. */
    public int[] toIntArray() { return TensorData.toIntArray(this); }
    /** Non-zero elements are true (NaN too). */
    public boolean[] toBooleanArray() { return TensorData.toBooleanArray(this); }

    /** A contiguous copy on the heap (this tensor if already contiguous with native-order storage). */
    public Tensor contiguous() { return TensorData.contiguous(this); }

    /**
     * Writes the bytes of {@link #toByteArray()} to {@code out} in bounded chunks: the way to copy
     * tensors over 2 GiB (writers, converters).
     */
    public void writeTo(java.io.OutputStream out) throws java.io.IOException { TensorData.writeTo(this, out); }

    /** Hex sha256 of {@link #toByteArray()}, streamed without materialising the whole tensor. */
    public String sha256() { return TensorData.sha256(this, DEFAULT_MAX_HASH_BYTES); }

    /**
     * What {@link #sha256()} reads at most: 64 GiB of row-major bytes. A view with stride 0
     * ({@code torch.zeros(1).expand(2**40)}, legal and 759 bytes on disk) has terabytes of logical
     * bytes, and hashing reads every one (about 1 GB/s): no shortcut exists for SHA-256.
     */
    public static final long DEFAULT_MAX_HASH_BYTES = 64L << 30;

    /**
     * Hex sha256 of {@link #toByteArray()}, refusing with an {@link java.io.UncheckedIOException}
     * (naming the limit) when {@link #byteSize()} is over {@code maxLogicalBytes}.
     */
    public String sha256(long maxLogicalBytes) { return TensorData.sha256(this, maxLogicalBytes); }

    @Override public String toString() {
        return "Tensor[" + dtype.pythonName() + ", " + Arrays.toString(shape)
                + (isContiguous() ? "" : ", stride=" + Arrays.toString(stride))
                + (storageOffset != 0 ? ", offset=" + storageOffset : "") + "]";
    }
}
