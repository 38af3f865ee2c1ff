package dev.torch4j.nativelib;

import static dev.torch4j.nativelib.NativeTestSupport.direct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** GPU conversions equal the CPU reference; skips (saying why) where there is no GPU or library. */
class CudaConversionsTest {
  @Test
  void probeNeverThrowsAndExplainsAbsence() {
    LoadResult r = CudaConversions.load();
    assertEquals(r.loaded(), CudaConversions.isAvailable());
    if (!r.loaded()) {
      assertNotNull(CudaConversions.unavailableReason());
      assertFalse(CudaConversions.unavailableReason().isBlank());
    }
  }

  @Test
  void streamsAndConvertsEveryPatternBitExactly() {
    assumeTrue(CudaConversions.isAvailable(), () -> "CUDA test skipped: " + CudaConversions.unavailableReason());
    int n = 65536 * 9 + 77;  // several chunks of the small chunk size below, ragged end
    ByteBuffer src = direct(n * 2, 0);
    for (int i = 0; i < n; i++) {
      src.putShort(i * 2, (short) i);
    }
    for (Conversion c : new Conversion[] {Conversion.FLOAT16_TO_FLOAT32, Conversion.BFLOAT16_TO_FLOAT32}) {
      ByteBuffer dst = direct(n * 4, 0);
      CudaConversions.convert(c, src, dst, n, 100_000);
      for (int i = 0; i < n; i++) {
        int expected = c == Conversion.FLOAT16_TO_FLOAT32
            ? ReferenceConversions.float16ToFloat32(i & 0xFFFF)
            : ReferenceConversions.bfloat16ToFloat32(i & 0xFFFF);
        assertEquals(expected, dst.getInt(i * 4), c + " element " + i);
      }
    }
  }
}
