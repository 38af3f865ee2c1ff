package dev.torch4j.elements;

/**
 * IEEE 754 half precision ({@code torch.float16}) conversions, bit-exact with PyTorch:
 * decoding keeps a NaN's payload and sets its quiet bit (as x86 conversions do); encoding rounds
 * to nearest even, overflows to infinity and writes NaN as {@code 0x7E00} with the sign kept.
 */
public final class Float16 {
    private Float16() {}

    public static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13) | (mant != 0 ? 0x00400000 : 0));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero): exact, mant < 2^10
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public static short floatToHalf(float value) {
        int x = Float.floatToRawIntBits(value);
        int sign = (x >>> 16) & 0x8000;
        int ax = x & 0x7FFFFFFF;
        if (ax > 0x7F800000) return (short) (sign | 0x7E00);
        if (ax >= 0x477FF000) return (short) (sign | 0x7C00); // >= 65520: rounds to infinity
        if (ax < 0x38800000) {
            // Below 2^-14: a subnormal in units of 2^-24 (scaling is exact; rint rounds half to even).
            return (short) (sign | (int) Math.rint(Math.abs(value) * 0x1p24));
        }
        int mant = ax & 0x7FFFFF;
        int r = ((((ax >>> 23) - 112)) << 10) | (mant >>> 13);
        int rest = mant & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (r & 1) != 0)) r++; // a carry into the exponent is correct
        return (short) (sign | r);
    }

    /** Decodes {@code n} halves from {@code src[srcOff..]} into {@code dst[dstOff..]}. */
    public static void halfToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        float[] table = Table.VALUES;
        for (int i = 0; i < n; i++) dst[dstOff + i] = table[src[srcOff + i] & 0xFFFF];
    }

    /** Encodes {@code n} floats from {@code src[srcOff..]} into {@code dst[dstOff..]}. */
    public static void floatToHalf(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = floatToHalf(src[srcOff + i]);
    }

    /** Decodes little-endian halves straight out of bytes (the tensor reader's path). */
    static void decodeLittleEndian(byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        float[] table = Table.VALUES;
        for (int i = 0; i < n; i++) {
            int p = srcOff + 2 * i;
            dst[dstOff + i] = table[(src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8];
        }
    }

    /** All 65536 decoded values (256 KiB), built on first bulk use. */
    private static final class Table {
        static final float[] VALUES = new float[65536];
        static {
            for (int i = 0; i < VALUES.length; i++) VALUES[i] = halfToFloat((short) i);
        }
    }
}
