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
        return of(DType.FLOAT32, data.length, shape, b -> b.asFloatBuffer().put(data));
    }

    public static Tensor of(double[] data, long... shape) {
        return of(DType.FLOAT64, data.length, shape, b -> b.asDoubleBuffer().put(data));
    }

    public static Tensor of(long[] data, long... shape) {
        return of(DType.INT64, data.length, shape, b -> b.asLongBuffer().put(data));
    }

    public static Tensor of(int[] data, long... shape) {
        return of(DType.INT32, data.length, shape, b -> b.asIntBuffer().put(data));
    }

    public static Tensor of(short[] data, long... shape) {
        return of(DType.INT16, data.length, shape, b -> b.asShortBuffer().put(data));
    }

    public static Tensor of(boolean[] data, long... shape) {
        return of(DType.BOOL, data.length, shape, b -> {
            for (int i = 0; i < data.length; i++) b.put(i, (byte) (data[i] ? 1 : 0));
        });
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

    /** A tensor of {@code length} elements that {@code fill} writes into a little-endian buffer. */
    private static Tensor of(DType dtype, int length, long[] shape, java.util.function.Consumer<ByteBuffer> fill) {
        long numel = numel(shape);
        if (numel != length) {
            throw new IllegalArgumentException("shape holds " + numel + " elements, the array " + length);
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(length, dtype.itemSize())).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return wrap(dtype, b, shape);
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
