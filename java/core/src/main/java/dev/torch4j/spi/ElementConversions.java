package dev.torch4j.spi;

import dev.torch4j.tensor.DType;

import java.nio.ByteBuffer;

/**
 * Bulk element conversions behind the tensor reader and the converter. torch4j-core ships the
 * pure-Java implementation; torch4j-native registers a JNI one (found with
 * {@link java.util.ServiceLoader}). Every implementation must give the pure-Java bits exactly:
 * decoding is exact, encoding rounds to nearest even, and NaNs follow PyTorch's {@code Tensor.to()}
 * (float16 {@code sign|0x7E00}, bfloat16 {@code 0xFFFF}).
 *
 * <p>Element bytes are little-endian. Callers check every bound before calling; implementations
 * may assume valid, non-overlapping ranges.
 */
public interface ElementConversions {
    /** Short name for diagnostics ({@code java}, {@code native}). */
    String name();

    /** True when this implementation can run here (loading a native library must not throw). */
    boolean available();

    /** True for the dtypes {@link #decode} accepts (float16, bfloat16, float8 e4m3fn and e5m2 at least natively). */
    boolean decodes(DType dtype);

    /** Decodes {@code n} elements at {@code src[srcOff..]} into {@code dst[dstOff..]}. */
    void decode(DType dtype, byte[] src, int srcOff, float[] dst, int dstOff, int n);

    /** Decodes {@code n} elements from {@code src.position()} (position left unchanged). */
    void decode(DType dtype, ByteBuffer src, float[] dst, int dstOff, int n);

    /** Encodes {@code n} little-endian float32 at {@code src[srcOff..]} as float16 or bfloat16 into {@code dst[dstOff..]}. */
    void encode(DType target, byte[] src, int srcOff, byte[] dst, int dstOff, int n);

    /** Reverses the bytes of {@code n} elements of {@code elementSize} (2, 4 or 8) bytes at {@code b[off..]}, in place. */
    void swapBytes(byte[] b, int off, int n, int elementSize);
}
