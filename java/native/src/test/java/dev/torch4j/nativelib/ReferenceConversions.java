package dev.torch4j.nativelib;

/**
 * Straightforward Java definitions of each conversion, written from the formats' definitions
 * with double arithmetic and {@link Math#rint} (round half to even) rather than bit tricks, so
 * they check the native kernels independently.
 */
final class ReferenceConversions {
  private ReferenceConversions() {}

  static int float16ToFloat32(int h) {
    int sign = (h >> 15) & 1;
    int exp = (h >> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0x1F) {
      // Infinity, or a NaN made quiet with its payload moved to the top of the float mantissa.
      return (sign << 31) | 0x7F800000 | (mant == 0 ? 0 : 0x00400000 | (mant << 13));
    }
    double magnitude = exp == 0 ? Math.scalb((double) mant, -24) : Math.scalb((double) (1024 + mant), exp - 25);
    return Float.floatToRawIntBits((float) (sign == 1 ? -magnitude : magnitude));
  }

  static int bfloat16ToFloat32(int b) {
    return (b & 0xFFFF) << 16;  // bfloat16 is by definition the top half of a float32
  }

  static int float8E5m2ToFloat32(int v) {
    int sign = (v >> 7) & 1;
    int exp = (v >> 2) & 0x1F;
    int mant = v & 3;
    if (exp == 0x1F) {
      return (sign << 31) | 0x7F800000 | (mant == 0 ? 0 : 0x00400000 | (mant << 21));
    }
    double magnitude = exp == 0 ? Math.scalb((double) mant, -16) : Math.scalb((double) (4 + mant), exp - 17);
    return Float.floatToRawIntBits((float) (sign == 1 ? -magnitude : magnitude));
  }

  static int float8E4m3fnToFloat32(int v) {
    int sign = (v >> 7) & 1;
    int exp = (v >> 3) & 0xF;
    int mant = v & 7;
    if (exp == 0xF && mant == 7) {
      return (sign << 31) | 0x7FF00000;
    }
    double magnitude = exp == 0 ? Math.scalb((double) mant, -9) : Math.scalb((double) (8 + mant), exp - 10);
    return Float.floatToRawIntBits((float) (sign == 1 ? -magnitude : magnitude));
  }

  static int float32ToFloat16(int bits) {
    float f = Float.intBitsToFloat(bits);
    int sign = (bits >>> 31) << 15;
    if (Float.isNaN(f)) {
      return sign | 0x7E00;
    }
    double a = Math.abs((double) f);
    if (a >= 65520.0) {  // halfway between the largest float16 (65504) and 2^16 rounds to infinity
      return sign | 0x7C00;
    }
    if (a < 0x1p-14) {  // subnormal float16: multiples of 2^-24
      return sign | (int) Math.rint(a * 0x1p24);
    }
    int e = Math.getExponent(a);
    long m = (long) Math.rint(Math.scalb(a, 10 - e));  // 1024..2048
    return sign | (int) (((long) (e + 15) << 10) + (m - 1024));
  }

  static int float32ToBFloat16(int bits) {
    float f = Float.intBitsToFloat(bits);
    if (Float.isNaN(f)) {
      return 0xFFFF;
    }
    int sign = (bits >>> 31) << 15;
    double a = Math.abs((double) f);
    if (Double.isInfinite(a)) {
      return sign | 0x7F80;
    }
    if (a < 0x1p-126) {  // subnormal: multiples of 2^-133
      return sign | (int) Math.rint(a * 0x1p133);
    }
    int e = Math.getExponent(a);
    long m = (long) Math.rint(Math.scalb(a, 7 - e));  // 128..256; 256 at the top overflows to inf
    return sign | (int) (((long) (e + 127) << 7) + (m - 128));
  }
}
