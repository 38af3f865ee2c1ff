package dev.torch4j.tensor;

import dev.torch4j.io.HeapRegion;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds contiguous tensors from Java arrays, ready for {@link dev.torch4j.Torch#save} or the safetensors
 * writer: {@code Tensors.of(new float[]{1, 2, 3, 4}, 2, 2)}. The array is copied once into a
 * little-endian heap storage; an empty shape means a scalar.
 */
public final class Tensors {
    private Tensors() {}

    public static Tensor of(float[] data, long... shape) {
        ByteBuffer b = buffer(data.length, 4, shape);
        b.asFloatBuffer().put(data);
        return wrap(DType.FLOAT32, b, shape);
    }

    public static Tensor of(double[] data, long... shape) {
        ByteBuffer b = buffer(data.length, 8, shape);
        b.asDoubleBuffer().put(data);
        return wrap(DType.FLOAT64, b, shape);
    }

    public static Tensor of(long[] data, long... shape) {
        ByteBuffer b = buffer(data.length, 8, shape);
        b.asLongBuffer().put(data);
        return wrap(DType.INT64, b, shape);
    }

    public static Tensor of(int[] data, long... shape) {
        ByteBuffer b = buffer(data.length, 4, shape);
        b.asIntBuffer().put(data);
        return wrap(DType.INT32, b, shape);
    }

    public static Tensor of(short[] data, long... shape) {
        ByteBuffer b = buffer(data.length, 2, shape);
        b.asShortBuffer().put(data);
        return wrap(DType.INT16, b, shape);
    }

    public static Tensor of(boolean[] data, long... shape) {
        ByteBuffer b = buffer(data.length, 1, shape);
        for (boolean v : data) b.put((byte) (v ? 1 : 0));
        return wrap(DType.BOOL, b.flip(), shape);
    }

    /** int8 elements. */
    public static Tensor ofInt8(byte[] data, long... shape) {
        return ofBytes(DType.INT8, data, shape);
    }

    /** uint8 elements. */
    public static Tensor ofUint8(byte[] data, long... shape) {
        return ofBytes(DType.UINT8, data, shape);
    }

    /** Elements already encoded little-endian (float16, bfloat16, complex...): {@code bytes.length == numel * itemSize}. */
    public static Tensor ofBytes(DType dtype, byte[] littleEndian, long... shape) {
        long numel = numel(shape);
        if (numel * dtype.itemSize() != littleEndian.length) {
            throw new IllegalArgumentException(littleEndian.length + " bytes do not hold " + numel + " "
                    + dtype.pythonName() + " elements");
        }
        return wrap(dtype, ByteBuffer.wrap(littleEndian.clone()), shape);
    }

    private static ByteBuffer buffer(int length, int itemSize, long[] shape) {
        long numel = numel(shape);
        if (numel != length) {
            throw new IllegalArgumentException("shape holds " + numel + " elements, the array " + length);
        }
        return ByteBuffer.allocate(Math.multiplyExact(length, itemSize)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Tensor wrap(DType dtype, ByteBuffer bytes, long[] shape) {
        byte[] array = bytes.array();
        Storage storage = Storage.ofBytes("", dtype, new HeapRegion(array), ByteOrder.LITTLE_ENDIAN);
        return new Tensor(dtype, shape, Tensor.contiguousStrides(shape), 0, storage);
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension " + d);
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

}
