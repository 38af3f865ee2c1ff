package dev.torch4j.nativelib;

import static dev.torch4j.nativelib.NativeTestSupport.direct;
import static dev.torch4j.nativelib.NativeTestSupport.forEachIsa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Native kernels against {@link ReferenceConversions}, bit for bit, on every ISA path. */
class NativeConversionsTest {
  private static final int RANDOM_FLOATS = 3_000_000;

  @BeforeEach
  void requireNative() {
    NativeTestSupport.requireNative();
  }

  @Test
  void everyFloat16PatternWidensExactly() throws Exception {
    forEachIsa(isa -> checkAllSixteenBit(isa, Conversion.FLOAT16_TO_FLOAT32, ReferenceConversions::float16ToFloat32));
  }

  @Test
  void everyBFloat16PatternWidensExactly() throws Exception {
    forEachIsa(isa -> checkAllSixteenBit(isa, Conversion.BFLOAT16_TO_FLOAT32, ReferenceConversions::bfloat16ToFloat32));
  }

  @Test
  void everyFloat8PatternWidensExactly() throws Exception {
    forEachIsa(isa -> {
      for (int misalign : new int[] {0, 1, 3}) {
        // 256 codes repeated with a ragged length so vector bodies and scalar tails both run.
        int n = 256 * 5 + 7;
        ByteBuffer src = direct(n, misalign);
        for (int i = 0; i < n; i++) {
          src.put(i, (byte) i);
        }
        check(isa, Conversion.FLOAT8_E4M3FN_TO_FLOAT32, src, n, i -> ReferenceConversions.float8E4m3fnToFloat32(i & 0xFF));
        check(isa, Conversion.FLOAT8_E5M2_TO_FLOAT32, src, n, i -> ReferenceConversions.float8E5m2ToFloat32(i & 0xFF));
      }
    });
  }

  @Test
  void float8MatchesTheOcpSpecification() {
    // Values from the OCP 8-bit floating point specification (v1.0), table of E4M3 / E5M2 limits.
    assertEquals(448f, e4m3(0x7E));          // max normal
    assertEquals(0x1p-6f, e4m3(0x08));       // min normal
    assertEquals(0x1p-9f, e4m3(0x01));       // min subnormal
    assertEquals(0.875f * 0x1p-6f, e4m3(0x07)); // max subnormal
    assertEquals(true, Float.isNaN(e4m3(0x7F)) && Float.isNaN(e4m3(0xFF)));
    assertEquals(57344f, e5m2(0x7B));        // max normal
    assertEquals(0x1p-14f, e5m2(0x04));      // min normal
    assertEquals(0x1p-16f, e5m2(0x01));      // min subnormal
    assertEquals(Float.POSITIVE_INFINITY, e5m2(0x7C));
    assertEquals(Float.NEGATIVE_INFINITY, e5m2(0xFC));
    assertEquals(true, Float.isNaN(e5m2(0x7D)));
  }

  private static float e4m3(int code) {
    float[] out = new float[1];
    NativeConversions.float8E4m3fnToFloat32(new byte[] {(byte) code}, 0, out, 0, 1);
    return out[0];
  }

  private static float e5m2(int code) {
    float[] out = new float[1];
    NativeConversions.float8E5m2ToFloat32(new byte[] {(byte) code}, 0, out, 0, 1);
    return out[0];
  }

  @Test
  void randomAndSpecialFloatsNarrowWithRoundToNearestEven() throws Exception {
    int[] bits = interestingFloats(RANDOM_FLOATS);
    forEachIsa(isa -> {
      ByteBuffer src = direct(bits.length * 4, 2);
      src.asIntBuffer().put(bits);
      checkNarrowing(isa, Conversion.FLOAT32_TO_FLOAT16, src, bits, ReferenceConversions::float32ToFloat16);
      checkNarrowing(isa, Conversion.FLOAT32_TO_BFLOAT16, src, bits, ReferenceConversions::float32ToBFloat16);
    });
  }

  @Test
  void arrayEntryPointsAgreeWithTheReference() throws Exception {
    int[] bits = interestingFloats(100_003);
    float[] floats = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      floats[i] = Float.intBitsToFloat(bits[i]);
    }
    forEachIsa(isa -> {
      short[] half = new short[bits.length + 3];
      short[] bf16 = new short[bits.length + 3];
      NativeConversions.float32ToFloat16(floats, 0, half, 3, bits.length);
      NativeConversions.float32ToBFloat16(floats, 0, bf16, 3, bits.length);
      float[] wideHalf = new float[bits.length];
      float[] wideBf16 = new float[bits.length];
      NativeConversions.float16ToFloat32(half, 3, wideHalf, 0, bits.length);
      NativeConversions.bfloat16ToFloat32(bf16, 3, wideBf16, 0, bits.length);
      for (int i = 0; i < bits.length; i++) {
        // float[] elements may not carry NaN payloads through Java code, so compare raw shorts only
        // for NaN-free lanes and their float round trips exactly.
        int h = ReferenceConversions.float32ToFloat16(bits[i]);
        int b = ReferenceConversions.float32ToBFloat16(bits[i]);
        if ((half[i + 3] & 0xFFFF) != h || (bf16[i + 3] & 0xFFFF) != b) {
          fail(isa + ": array narrowing of " + Integer.toHexString(bits[i]));
        }
        if (Float.floatToRawIntBits(wideHalf[i]) != ReferenceConversions.float16ToFloat32(h)
            || Float.floatToRawIntBits(wideBf16[i]) != ReferenceConversions.bfloat16ToFloat32(b)) {
          fail(isa + ": array widening of " + Integer.toHexString(h) + "/" + Integer.toHexString(b));
        }
      }
    });
  }

  @Test
  void readOnlyAndMixedBuffersGiveTheSameBits() {
    int n = 70_001;  // more than one staging chunk
    java.nio.ByteOrder order = java.nio.ByteOrder.nativeOrder();
    ByteBuffer heapSrc = ByteBuffer.allocate(n * 2 + 1).order(order);
    for (int i = 0; i < n; i++) {
      heapSrc.putShort(1 + i * 2, (short) (i * 7));
    }
    heapSrc.position(1);
    ByteBuffer readOnly = heapSrc.asReadOnlyBuffer().order(order);  // no array(): what ByteRegion.slice returns
    ByteBuffer directDst = direct(n * 4, 0);
    NativeConversions.convert(Conversion.FLOAT16_TO_FLOAT32, readOnly, directDst, n);
    ByteBuffer heapDst = ByteBuffer.allocate(n * 4).order(order);
    NativeConversions.convert(Conversion.BFLOAT16_TO_FLOAT32, readOnly, heapDst, n);
    for (int i = 0; i < n; i++) {
      int code = (i * 7) & 0xFFFF;
      assertEquals(ReferenceConversions.float16ToFloat32(code), directDst.getInt(i * 4), "float16 element " + i);
      assertEquals(ReferenceConversions.bfloat16ToFloat32(code), heapDst.getInt(i * 4), "bfloat16 element " + i);
    }
    assertEquals(1, readOnly.position());  // positions are left alone
  }

  @Test
  void boundsAndOverlapAreRejected() {
    ByteBuffer src = direct(16, 0);
    ByteBuffer dst = direct(16, 0);
    assertThrows(IndexOutOfBoundsException.class, () -> NativeConversions.convert(Conversion.FLOAT16_TO_FLOAT32, src, dst, 5));
    assertThrows(IndexOutOfBoundsException.class, () -> NativeConversions.convert(Conversion.FLOAT32_TO_FLOAT16, src, dst, 5));
    assertThrows(IllegalArgumentException.class, () -> NativeConversions.convert(Conversion.FLOAT16_TO_FLOAT32, src, dst, -1));
    assertThrows(IllegalArgumentException.class, () -> NativeConversions.convert(Conversion.FLOAT16_TO_FLOAT32, src, src, 4));
    assertThrows(IndexOutOfBoundsException.class,
        () -> NativeConversions.float16ToFloat32(new short[4], 1, new float[4], 0, 4));
    assertThrows(java.nio.ReadOnlyBufferException.class,
        () -> NativeConversions.convert(Conversion.FLOAT16_TO_FLOAT32, src, dst.asReadOnlyBuffer(), 1));
  }

  /** Random bit patterns plus the edge cases rounding gets wrong: ties, boundaries, specials. */
  static int[] interestingFloats(int randomCount) {
    SplittableRandom random = new SplittableRandom(20240613);
    int[] specials = {
        0, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001,
        0x7FBFFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0x7FC02000, 0x7F802000, 0x00000001, 0x807FFFFF,
        0x7F7FFFFF, 0xFF7FFFFF, 0x477FE000, 0x477FEFFF, 0x477FF000, 0x477FF001, 0x38800000,
        0x387FE000, 0x387FF000, 0x33000000, 0x33000001, 0x32FFFFFF, 0x33800000, 0x33C00000,
        0x3F808000, 0x3F818000, 0x3F807FFF, 0x3F800000, 0x7F7F8000, 0x7F7F7FFF, 0x00008000, 0x00018000};
    int[] out = new int[randomCount + specials.length + 4 * 65536];
    int n = 0;
    for (int s : specials) {
      out[n++] = s;
    }
    for (int h = 0; h < 65536; h++) {
      // Exact float16 ties: halfway between consecutive float16 values (and just either side).
      int lo = ReferenceConversions.float16ToFloat32(h & 0x7BFF);
      out[n++] = lo + (1 << 12) | (h & 0x8000) << 16;
      out[n++] = lo + (1 << 12) - 1 | (h & 0x8000) << 16;
      // bfloat16 ties: low half exactly 0x8000, and 0x8001.
      out[n++] = h << 16 | 0x8000;
      out[n++] = h << 16 | 0x8001;
    }
    while (n < out.length) {
      int r = random.nextInt();
      // Half the draws near float16's range, where most distinct rounding cases live.
      out[n++] = random.nextBoolean() ? r : (r & 0x87FFFFFF) | 0x30000000;
    }
    return out;
  }

  private static void checkAllSixteenBit(Isa isa, Conversion c, IntUnaryOperator reference) {
    for (int misalign : new int[] {0, 2, 1}) {
      int n = 65536 + 13;  // ragged length: every vector width leaves a tail
      ByteBuffer src = direct(n * 2, misalign);
      for (int i = 0; i < n; i++) {
        src.putShort(i * 2, (short) i);
      }
      check(isa, c, src, n, i -> reference.applyAsInt(i & 0xFFFF));
    }
  }

  private static void check(Isa isa, Conversion c, ByteBuffer src, int n, IntUnaryOperator expectedForIndex) {
    ByteBuffer dst = direct(n * 4, 1);
    NativeConversions.convert(c, src, dst, n);
    for (int i = 0; i < n; i++) {
      int expected = expectedForIndex.applyAsInt(i);
      int actual = dst.getInt(i * 4);
      if (expected != actual) {
        fail(isa + " " + c + " element " + i + ": expected 0x" + Integer.toHexString(expected)
            + " got 0x" + Integer.toHexString(actual));
      }
    }
  }

  private static void checkNarrowing(Isa isa, Conversion c, ByteBuffer src, int[] bits, IntUnaryOperator reference) {
    ByteBuffer dst = direct(bits.length * 2, 3);
    NativeConversions.convert(c, src, dst, bits.length);
    for (int i = 0; i < bits.length; i++) {
      int expected = reference.applyAsInt(bits[i]);
      int actual = dst.getShort(i * 2) & 0xFFFF;
      if (expected != actual) {
        fail(isa + " " + c + " of 0x" + Integer.toHexString(bits[i]) + ": expected 0x"
            + Integer.toHexString(expected) + " got 0x" + Integer.toHexString(actual));
      }
    }
  }
}
