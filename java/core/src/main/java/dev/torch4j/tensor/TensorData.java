package dev.torch4j.tensor;

import java.nio.ByteBuffer;

/** Reading tensor elements out of storages: gathers views, swaps byte order, converts dtypes. */
final class TensorData {
    private TensorData() {}

    static byte[] rowMajorLittleEndian(Tensor t) { throw new UnsupportedOperationException("TODO"); }
    static ByteBuffer asByteBuffer(Tensor t) { throw new UnsupportedOperationException("TODO"); }
    static float[] toFloatArray(Tensor t) { throw new UnsupportedOperationException("TODO"); }
    static double[] toDoubleArray(Tensor t) { throw new UnsupportedOperationException("TODO"); }
    static long[] toLongArray(Tensor t) { throw new UnsupportedOperationException("TODO"); }
    static int[] toIntArray(Tensor t) { throw new UnsupportedOperationException("TODO"); }
    static boolean[] toBooleanArray(Tensor t) { throw new UnsupportedOperationException("TODO"); }
    static Tensor contiguous(Tensor t) { throw new UnsupportedOperationException("TODO"); }
    static String sha256(Tensor t) { throw new UnsupportedOperationException("TODO"); }
}
