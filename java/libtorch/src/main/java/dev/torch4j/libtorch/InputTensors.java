package dev.torch4j.libtorch;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Tensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * Model inputs from Java arrays and NIO buffers, for {@link ScriptModel#forward}:
 * {@code model.forward(InputTensors.of(pixels, 1, 3, 224, 224))}.
 *
 * <p>Arrays are copied once into a heap tensor (and once more into libtorch per call: the JVM may
 * move heap arrays). Direct buffers are borrowed: libtorch reads the caller's memory in place, so
 * the buffer must not change while a call runs, and a model that writes into its input writes into
 * the buffer. Heap buffers are copied like arrays.
 */
public final class InputTensors {
    private InputTensors() {}

    public static Tensor of(float[] data, long... shape) {
        return Tensors.of(data, shape);
    }

    public static Tensor of(double[] data, long... shape) {
        return Tensors.of(data, shape);
    }

    public static Tensor of(long[] data, long... shape) {
        return Tensors.of(data, shape);
    }

    public static Tensor of(int[] data, long... shape) {
        return Tensors.of(data, shape);
    }

    public static Tensor of(boolean[] data, long... shape) {
        return Tensors.of(data, shape);
    }

    /** uint8 elements (image bytes); use {@link #ofInt8} for signed bytes. */
    public static Tensor of(byte[] data, long... shape) {
        return Tensors.ofUint8(data, shape);
    }

    public static Tensor ofInt8(byte[] data, long... shape) {
        return Tensors.ofInt8(data, shape);
    }

    /** float32 from the buffer's remaining elements (a direct buffer in native order is borrowed). */
    public static Tensor of(FloatBuffer data, long... shape) {
        return viewOf(data, data.remaining(), DType.FLOAT32, shape, data.order());
    }

    public static Tensor of(LongBuffer data, long... shape) {
        return viewOf(data, data.remaining(), DType.INT64, shape, data.order());
    }

    public static Tensor of(IntBuffer data, long... shape) {
        return viewOf(data, data.remaining(), DType.INT32, shape, data.order());
    }

    /**
     * Elements of {@code dtype} in {@code data}'s remaining bytes, in the buffer's byte order. A
     * direct buffer is borrowed zero-copy (its order must then be native for multi-byte types, or
     * it is copied and byte-swapped).
     */
    public static Tensor of(ByteBuffer data, DType dtype, long... shape) {
        long numel = numel(shape);
        if (numel * dtype.itemSize() != data.remaining()) {
            throw new IllegalArgumentException(data.remaining() + " bytes do not hold " + numel + " " + dtype.pythonName()
                    + " elements of shape " + java.util.Arrays.toString(shape));
        }
        ByteBuffer view = data.slice().order(data.order());
        Storage storage = view.isDirect()
                ? Storage.ofBytes("buffer", dtype, new BufferRegion(view, data), data.order())
                : Storage.ofBytes("buffer", dtype, new dev.torch4j.io.HeapRegion(copy(view)), data.order());
        return new Tensor(dtype, shape.clone(), Tensor.contiguousStrides(shape), 0, storage);
    }

    /**
     * Samples of equal shape and dtype stacked along a new first dimension, as one contiguous
     * tensor: the input of {@link ScriptModel#forwardBatch}.
     */
    public static Tensor stack(List<Tensor> samples) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no samples to stack");
        Tensor first = samples.get(0);
        long[] shape = first.shape();
        DType dtype = first.dtype();
        long sampleBytes = first.byteSize();
        long total = Math.multiplyExact(sampleBytes, samples.size());
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("batch of " + total + " bytes exceeds 2 GiB");
        byte[] bytes = new byte[(int) total];
        for (int i = 0; i < samples.size(); i++) {
            Tensor s = samples.get(i);
            if (s.dtype() != dtype || !java.util.Arrays.equals(s.shape(), shape)) {
                throw new IllegalArgumentException("sample " + i + " is " + s + ", sample 0 is " + first);
            }
            System.arraycopy(s.toByteArray(), 0, bytes, (int) (i * sampleBytes), (int) sampleBytes);
        }
        long[] batched = new long[shape.length + 1];
        batched[0] = samples.size();
        System.arraycopy(shape, 0, batched, 1, shape.length);
        return Tensors.ofBytes(dtype, bytes, batched);
    }

    private static Tensor viewOf(java.nio.Buffer data, int elements, DType dtype, long[] shape, ByteOrder order) {
        if (numel(shape) != elements) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds " + numel(shape)
                    + " elements, the buffer " + elements);
        }
        ByteBuffer bytes = asBytes(data, dtype).order(order);
        Storage storage = data.isDirect()
                ? Storage.ofBytes("buffer", dtype, new BufferRegion(bytes, data), order)
                : Storage.ofBytes("buffer", dtype, new dev.torch4j.io.HeapRegion(bytes.array()), order);
        return new Tensor(dtype, shape.clone(), Tensor.contiguousStrides(shape), 0, storage);
    }

    /** The buffer's remaining elements as bytes: the same memory for direct buffers, a copy for heap ones. */
    private static ByteBuffer asBytes(java.nio.Buffer data, DType dtype) {
        int n = data.remaining() * dtype.itemSize();
        if (data.isDirect()) {
            org.bytedeco.javacpp.Pointer p = new org.bytedeco.javacpp.Pointer(data);
            return new org.bytedeco.javacpp.BytePointer(p).capacity(n).asByteBuffer();
        }
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.nativeOrder());
        if (data instanceof FloatBuffer f) b.asFloatBuffer().put(f.duplicate());
        else if (data instanceof LongBuffer l) b.asLongBuffer().put(l.duplicate());
        else if (data instanceof IntBuffer i) b.asIntBuffer().put(i.duplicate());
        else throw new IllegalArgumentException("unsupported buffer " + data.getClass().getSimpleName());
        return b;
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension " + d);
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
