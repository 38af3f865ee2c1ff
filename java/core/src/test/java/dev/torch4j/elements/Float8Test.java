package dev.torch4j.elements;

import dev.torch4j.tensor.TensorFixtures;
import dev.torch4j.tensor.DType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * float8 formats. PyTorch 1.13 has no float8, so values come from the format definitions
 * (OCP FP8 spec for e4m3fn/e5m2, the FNUZ variants' definition) and, for e5m2, from PyTorch's
 * float16 decoding: an e5m2 byte is the upper byte of a float16.
 */
class Float8Test {
    private static float pow2(int e) { return Math.scalb(1f, e); }

    @Test void e4m3fnKnownValues() {
        assertEquals(448f, Float8.e4m3fnToFloat((byte) 0x7E));   // max normal
        assertEquals(-448f, Float8.e4m3fnToFloat((byte) 0xFE));
        assertEquals(1f, Float8.e4m3fnToFloat((byte) 0x38));
        assertEquals(pow2(-6), Float8.e4m3fnToFloat((byte) 0x08)); // min normal
        assertEquals(pow2(-9), Float8.e4m3fnToFloat((byte) 0x01)); // min subnormal
        assertEquals(7 * pow2(-9), Float8.e4m3fnToFloat((byte) 0x07)); // max subnormal
        assertEquals(256f, Float8.e4m3fnToFloat((byte) 0x78));
        assertEquals(0x80000000, Float.floatToRawIntBits(Float8.e4m3fnToFloat((byte) 0x80)));
        assertTrue(Float.isNaN(Float8.e4m3fnToFloat((byte) 0x7F)));
        assertTrue(Float.isNaN(Float8.e4m3fnToFloat((byte) 0xFF)));
        int nans = 0;
        for (int b = 0; b < 256; b++) if (Float.isNaN(Float8.e4m3fnToFloat((byte) b))) nans++;
        assertEquals(2, nans, "no infinities, one NaN per sign");
    }

    @Test void e5m2KnownValuesAndPyTorchHalfBits() {
        assertEquals(57344f, Float8.e5m2ToFloat((byte) 0x7B));   // max normal
        assertEquals(Float.POSITIVE_INFINITY, Float8.e5m2ToFloat((byte) 0x7C));
        assertEquals(Float.NEGATIVE_INFINITY, Float8.e5m2ToFloat((byte) 0xFC));
        assertEquals(1f, Float8.e5m2ToFloat((byte) 0x3C));
        assertEquals(pow2(-14), Float8.e5m2ToFloat((byte) 0x04));
        assertEquals(pow2(-16), Float8.e5m2ToFloat((byte) 0x01));
        assertTrue(Float.isNaN(Float8.e5m2ToFloat((byte) 0x7D)));
        ByteBuffer half = ByteBuffer.wrap(TensorFixtures.gz("half_to_float.bin.gz")).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < 256; b++) {
            assertEquals(half.getInt((b << 8) * 4), Float.floatToRawIntBits(Float8.e5m2ToFloat((byte) b)));
        }
    }

    @Test void fnuzKnownValues() {
        assertEquals(240f, Float8.e4m3fnuzToFloat((byte) 0x7F));
        assertEquals(1f, Float8.e4m3fnuzToFloat((byte) 0x40));
        assertEquals(pow2(-7), Float8.e4m3fnuzToFloat((byte) 0x08));
        assertEquals(pow2(-10), Float8.e4m3fnuzToFloat((byte) 0x01));
        assertEquals(-240f, Float8.e4m3fnuzToFloat((byte) 0xFF));
        assertEquals(57344f, Float8.e5m2fnuzToFloat((byte) 0x7F));
        assertEquals(1f, Float8.e5m2fnuzToFloat((byte) 0x40));
        assertEquals(pow2(-15), Float8.e5m2fnuzToFloat((byte) 0x04));
        assertEquals(pow2(-17), Float8.e5m2fnuzToFloat((byte) 0x01));
        for (DType d : new DType[] {DType.FLOAT8_E4M3FNUZ, DType.FLOAT8_E5M2FNUZ}) {
            assertEquals(0, Float.floatToRawIntBits(Float8.toFloat(d, (byte) 0)));
            for (int b = 0; b < 256; b++) {
                assertEquals(b == 0x80, Float.isNaN(Float8.toFloat(d, (byte) b)), d + " " + b);
                assertTrue(Float.isFinite(Float8.toFloat(d, (byte) b)) || b == 0x80);
            }
        }
    }

    @Test void encodersRoundTripEveryValue() {
        for (int b = 0; b < 256; b++) {
            float v = Float8.e4m3fnToFloat((byte) b);
            if (!Float.isNaN(v)) assertEquals((byte) b, Float8.floatToE4m3fn(v), "e4m3fn " + b);
            float w = Float8.e5m2ToFloat((byte) b);
            if (!Float.isNaN(w)) assertEquals((byte) b, Float8.floatToE5m2(w), "e5m2 " + b);
        }
    }

    @Test void encodersRoundAndOverflowLikePyTorch() {
        assertEquals((byte) 0x7E, Float8.floatToE4m3fn(464f));  // tie between 448 and 480: even
        assertEquals((byte) 0x7E, Float8.floatToE4m3fn(460f));
        assertEquals((byte) 0x7F, Float8.floatToE4m3fn(480f));  // no saturation: NaN
        assertEquals((byte) 0x7F, Float8.floatToE4m3fn(Float.POSITIVE_INFINITY));
        assertEquals((byte) 0xFF, Float8.floatToE4m3fn(Float.NEGATIVE_INFINITY));
        assertEquals((byte) 0x7F, Float8.floatToE4m3fn(Float.NaN));
        assertEquals((byte) 0x00, Float8.floatToE4m3fn(pow2(-10)));  // tie between 0 and min subnormal
        assertEquals((byte) 0x02, Float8.floatToE4m3fn(3 * pow2(-10)));  // tie 1 vs 2 subnormal units: even
        assertEquals((byte) 0x08, Float8.floatToE4m3fn(pow2(-6) - pow2(-12)));  // rounds up into the normals
        assertEquals((byte) 0x3C, Float8.floatToE4m3fn(1.5f));
        assertEquals((byte) 0x7B, Float8.floatToE5m2(57344f));
        assertEquals((byte) 0x7B, Float8.floatToE5m2(61439f));
        assertEquals((byte) 0x7C, Float8.floatToE5m2(61440f));  // tie rounds up to infinity (even)
        assertEquals((byte) 0xFC, Float8.floatToE5m2(-1e6f));
        assertEquals((byte) 0x7F, Float8.floatToE5m2(Float.NaN));
        assertEquals((byte) 0x00, Float8.floatToE5m2(pow2(-17)));
        assertEquals((byte) 0x02, Float8.floatToE5m2(3 * pow2(-17)));
    }

    @Test void e5m2EncoderAgreesWithFloat16Rounding() {
        // A float16 that is exact in e5m2 or a tie/near value must round the same way through both.
        for (int h = 0; h < 0x7C00; h++) {
            float v = Float16.halfToFloat((short) h);
            byte e = Float8.floatToE5m2(v);
            float back = Float8.e5m2ToFloat(e);
            float lower = Float8.e5m2ToFloat((byte) (h >>> 8));
            float upper = Float8.e5m2ToFloat((byte) ((h >>> 8) + 1));
            assertTrue(back == lower || back == upper, "e5m2 of half " + h);
            // Rounding treats infinity as the value after 57344 (65536, the next power of two).
            float dl = v - lower, du = (Float.isInfinite(upper) ? 65536f : upper) - v;
            if (dl < du) assertEquals(lower, back);
            if (du < dl) assertEquals(upper, back);
        }
    }
}
