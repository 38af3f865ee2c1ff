package dev.torch4j.elements;

import dev.torch4j.tensor.DType;

/**
 * The four 8-bit float formats of PyTorch, decoded bit-exactly like c10:
 * <ul>
 * <li>{@code float8_e4m3fn}: bias 7, no infinities, NaN is {@code S.1111.111}, max 448;</li>
 * <li>{@code float8_e5m2}: bias 15, IEEE-like (the upper byte of a float16), max 57344;</li>
 * <li>{@code float8_e4m3fnuz} / {@code float8_e5m2fnuz}: bias 8 / 16, no infinities and no
 *     negative zero: {@code 0x80} is the only NaN.</li>
 * </ul>
 * Encoders (e4m3fn, e5m2) round to nearest even like PyTorch's casts: e4m3fn does not saturate,
 * magnitudes of 480 and above (and infinities) become NaN while 448..464 round to 448;
 * e5m2 overflows to infinity from 61440 up.
 */
public final class Float8 {
    private Float8() {}

    public static float e4m3fnToFloat(byte value) {
        int b = value & 0xFF;
        int sign = (b & 0x80) << 24;
        int exp = (b >>> 3) & 0xF;
        int mant = b & 0x7;
        if (exp == 0xF && mant == 0x7) return Float.intBitsToFloat(sign | 0x7FF00000); // c10's NaN bits
        if (exp == 0) return signed(sign, mant * 0x1p-9f);
        return Float.intBitsToFloat(sign | ((exp + 120) << 23) | (mant << 20));
    }

    public static float e5m2ToFloat(byte value) {
        return Float16.halfToFloat((short) ((value & 0xFF) << 8));
    }

    public static float e4m3fnuzToFloat(byte value) {
        return fnuzToFloat(value & 0xFF, 3, 8);
    }

    public static float e5m2fnuzToFloat(byte value) {
        return fnuzToFloat(value & 0xFF, 2, 16);
    }

    private static float fnuzToFloat(int b, int mantBits, int bias) {
        if (b == 0) return 0f;
        if (b == 0x80) return Float.intBitsToFloat(0x7F800001); // the NaN bits c10 returns
        int sign = (b & 0x80) << 24;
        int exp = (b & 0x7F) >>> mantBits;
        int mant = b & ((1 << mantBits) - 1);
        if (exp == 0) return signed(sign, Math.scalb((float) mant, 1 - bias - mantBits));
        return Float.intBitsToFloat(sign | ((exp - bias + 127) << 23) | (mant << (23 - mantBits)));
    }

    private static float signed(int sign, float magnitude) {
        return sign != 0 ? -magnitude : magnitude;
    }

    /** Decodes one element of the given float8 dtype. */
    public static float toFloat(DType dtype, byte value) {
        return switch (dtype) {
            case FLOAT8_E4M3FN -> e4m3fnToFloat(value);
            case FLOAT8_E5M2 -> e5m2ToFloat(value);
            case FLOAT8_E4M3FNUZ -> e4m3fnuzToFloat(value);
            case FLOAT8_E5M2FNUZ -> e5m2fnuzToFloat(value);
            default -> throw new IllegalArgumentException(dtype.pythonName() + " is not a float8 dtype");
        };
    }

    /** Decodes {@code n} bytes of the given float8 dtype through a 256-entry table. */
    public static void toFloat(DType dtype, byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        float[] table = new float[256];
        for (int i = 0; i < 256; i++) table[i] = toFloat(dtype, (byte) i);
        for (int i = 0; i < n; i++) dst[dstOff + i] = table[src[srcOff + i] & 0xFF];
    }

    public static byte floatToE4m3fn(float value) {
        int x = Float.floatToRawIntBits(value);
        int sign = (x >>> 24) & 0x80;
        int ax = x & 0x7FFFFFFF;
        if (ax >= 0x43F00000) return (byte) (sign | 0x7F); // >= 480, inf, NaN: NaN (no infinity)
        if (ax < 0x3C800000) {
            // Below 2^-6: subnormal in units of 2^-9; rint rounds half to even, 8 lands on the smallest normal.
            return (byte) (sign | (int) Math.rint(Math.abs(value) * 0x1p9));
        }
        return (byte) (sign | roundMantissa(ax, 7, 3));
    }

    public static byte floatToE5m2(float value) {
        int x = Float.floatToRawIntBits(value);
        int sign = (x >>> 24) & 0x80;
        int ax = x & 0x7FFFFFFF;
        if (ax > 0x7F800000) return (byte) (sign | 0x7F);
        if (ax >= 0x47800000) return (byte) (sign | 0x7C); // >= 65536, inf
        if (ax < 0x38800000) return (byte) (sign | (int) Math.rint(Math.abs(value) * 0x1p16)); // below 2^-14
        return (byte) (sign | roundMantissa(ax, 15, 2)); // 61440 and up round into infinity
    }

    /** A normal float's magnitude bits re-biased and rounded (to nearest even) to {@code mantBits}. */
    private static int roundMantissa(int ax, int bias, int mantBits) {
        int drop = 23 - mantBits;
        int r = (((ax >>> 23) - 127 + bias) << mantBits) | ((ax & 0x7FFFFF) >>> drop);
        int rest = ax & ((1 << drop) - 1);
        int half = 1 << (drop - 1);
        if (rest > half || (rest == half && (r & 1) != 0)) r++;
        return r;
    }

    public static void floatToE4m3fn(float[] src, int srcOff, byte[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = floatToE4m3fn(src[srcOff + i]);
    }

    public static void floatToE5m2(float[] src, int srcOff, byte[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = floatToE5m2(src[srcOff + i]);
    }
}
