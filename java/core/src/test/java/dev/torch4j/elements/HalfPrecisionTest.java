package dev.torch4j.elements;

import dev.torch4j.tensor.TensorFixtures;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** float16 / bfloat16 conversions against the bits PyTorch 1.13 produced for every pattern and a float sample. */
class HalfPrecisionTest {
    private static int[] table(String name) {
        ByteBuffer b = ByteBuffer.wrap(TensorFixtures.gz(name)).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[65536];
        b.asIntBuffer().get(out);
        return out;
    }

    @Test void everyHalfPatternDecodesLikePyTorch() {
        int[] expected = table("half_to_float.bin.gz");
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) all[i] = (short) i;
        float[] bulk = new float[65536];
        Float16.halfToFloat(all, 0, bulk, 0, all.length);
        for (int i = 0; i < 65536; i++) {
            int bits = i;
            assertEquals(expected[i], Float.floatToRawIntBits(Float16.halfToFloat((short) i)), () -> "half " + Integer.toHexString(bits));
            assertEquals(expected[i], Float.floatToRawIntBits(bulk[i]));
        }
    }

    @Test void everyBFloat16PatternDecodesLikePyTorch() {
        int[] expected = table("bfloat16_to_float.bin.gz");
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) all[i] = (short) i;
        float[] bulk = new float[65536];
        BFloat16.bfloat16ToFloat(all, 0, bulk, 0, all.length);
        for (int i = 0; i < 65536; i++) {
            int bits = i;
            assertEquals(expected[i], Float.floatToRawIntBits(BFloat16.bfloat16ToFloat((short) i)), () -> "bf16 " + Integer.toHexString(bits));
            assertEquals(expected[i], Float.floatToRawIntBits(bulk[i]));
        }
    }

    @Test void floatsRoundLikePyTorch() {
        ByteBuffer b = ByteBuffer.wrap(TensorFixtures.gz("float_to_half.bin.gz")).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining() / 8;
        float[] in = new float[n];
        short[] half = new short[n];
        short[] bf = new short[n];
        for (int i = 0; i < n; i++) {
            in[i] = Float.intBitsToFloat(b.getInt());
            half[i] = b.getShort();
            bf[i] = b.getShort();
        }
        short[] bulkHalf = new short[n];
        short[] bulkBf = new short[n];
        Float16.floatToHalf(in, 0, bulkHalf, 0, n);
        BFloat16.floatToBFloat16(in, 0, bulkBf, 0, n);
        int ties = 0;
        for (int i = 0; i < n; i++) {
            float f = in[i];
            String what = Integer.toHexString(Float.floatToRawIntBits(f));
            assertEquals(half[i], Float16.floatToHalf(f), () -> "float16 of " + what);
            assertEquals(bf[i], BFloat16.floatToBFloat16(f), () -> "bfloat16 of " + what);
            assertEquals(half[i], bulkHalf[i]);
            assertEquals(bf[i], bulkBf[i]);
            if ((Float.floatToRawIntBits(f) & 0xFFFF) == 0x8000) ties++;
        }
        // The sample must really contain the hard cases, or this test proves little.
        assertEquals(true, ties > 100, "bfloat16 ties in sample: " + ties);
        assertEquals(true, n > 10_000);
    }
}
