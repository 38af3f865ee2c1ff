package dev.torch4j.pickle;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/**
 * Test-side gather of a tensor's elements in row-major order, little-endian, by walking shape and
 * strides over the storage: independent of the tensor package, so these tests check the layout
 * the pickle code chose (strides, byte order) against Python's bytes.
 */
final class TensorBytes {
    private TensorBytes() {}

    static byte[] rowMajorLittleEndian(Tensor t) {
        long[] shape = t.shape();
        long[] stride = t.stride();
        int item = t.dtype().itemSize();
        // Complex numbers swap each half separately.
        int part = t.dtype().kind() == DType.Kind.COMPLEX ? item / 2 : item;
        boolean swap = t.storage().order() == ByteOrder.BIG_ENDIAN;
        ByteRegion data = t.storage().data();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = 1;
        for (long s : shape) n *= s;
        long[] idx = new long[shape.length];
        byte[] buf = new byte[item];
        for (long k = 0; k < n; k++) {
            long off = t.storageOffset();
            for (int d = 0; d < shape.length; d++) off += idx[d] * stride[d];
            data.copyTo(off * item, buf, 0, item);
            if (swap) {
                for (int p = 0; p < item; p += part) {
                    for (int i = 0; i < part / 2; i++) {
                        byte tmp = buf[p + i];
                        buf[p + i] = buf[p + part - 1 - i];
                        buf[p + part - 1 - i] = tmp;
                    }
                }
            }
            out.write(buf, 0, item);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out.toByteArray();
    }

    static String sha256(Tensor t) {
        try {
            return hex(MessageDigest.getInstance("SHA-256").digest(rowMajorLittleEndian(t)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }
}
