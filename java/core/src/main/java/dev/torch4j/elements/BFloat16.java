package dev.torch4j.elements;

/**
 * {@code torch.bfloat16} conversions, bit-exact with PyTorch's c10::BFloat16: a bfloat16 is the
 * upper half of a float32, so decoding is a shift; encoding rounds to nearest even and writes
 * every NaN as {@code 0xFFFF}, the bits PyTorch's {@code Tensor.to(torch.bfloat16)} writes on whole
 * tensors (its vectorised path; the scalar c10 path would write 0x7FC0). The native fast path
 * writes the same bits, so results never depend on which path ran.
 */
public final class BFloat16 {
    private BFloat16() {}

    public static float bfloat16ToFloat(short value) {
        return Float.intBitsToFloat((value & 0xFFFF) << 16);
    }

    public static short floatToBFloat16(float value) {
        int x = Float.floatToRawIntBits(value);
        if ((x & 0x7FFFFFFF) > 0x7F800000) return (short) 0xFFFF;
        return (short) ((x + 0x7FFF + ((x >>> 16) & 1)) >>> 16); // overflow carries into infinity, as it should
    }

    public static void bfloat16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Float.intBitsToFloat((src[srcOff + i] & 0xFFFF) << 16);
    }

    public static void floatToBFloat16(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = floatToBFloat16(src[srcOff + i]);
    }

    static void decodeLittleEndian(byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            int p = srcOff + 2 * i;
            dst[dstOff + i] = Float.intBitsToFloat(((src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8) << 16);
        }
    }
}
