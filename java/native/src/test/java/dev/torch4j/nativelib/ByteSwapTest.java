package dev.torch4j.nativelib;

import static dev.torch4j.nativelib.NativeTestSupport.direct;
import static dev.torch4j.nativelib.NativeTestSupport.forEachIsa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Byte swapping checked by reading the same bytes back through Java's opposite byte order. */
class ByteSwapTest {
  @BeforeEach
  void requireNative() {
    NativeTestSupport.requireNative();
  }

  @Test
  void swapsEveryElementSizeInPlaceAndOutOfPlace() throws Exception {
    forEachIsa(isa -> {
      for (int size : new int[] {2, 4, 8}) {
        for (int count : new int[] {0, 1, 3, 31, 64 / size * 7 + 5, 100_001}) {
          for (int misalign : new int[] {0, 1, 6}) {
            checkSwap(isa, size, count, misalign);
          }
        }
      }
    });
  }

  private static void checkSwap(Isa isa, int size, int count, int misalign) {
    SplittableRandom random = new SplittableRandom(size * 1000L + count);
    ByteBuffer original = direct(count * size, misalign);
    for (int i = 0; i < count * size; i++) {
      original.put(i, (byte) random.nextInt());
    }
    ByteBuffer swapped = direct(count * size, (misalign + 3) % 8);
    NativeConversions.convert(Conversion.swapBytes(size), original, swapped, count);
    ByteBuffer inPlace = direct(count * size, misalign);
    inPlace.put(0, original, 0, count * size);
    NativeConversions.swapBytes(inPlace, size);

    ByteOrder foreign = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    ByteBuffer asForeign = original.duplicate().order(foreign);
    for (int i = 0; i < count; i++) {
      int at = i * size;
      String where = isa + " size " + size + " count " + count + " element " + i;
      switch (size) {
        case 2 -> {
          assertEquals(asForeign.getShort(at), swapped.getShort(at), where);
          assertEquals(asForeign.getShort(at), inPlace.getShort(at), where);
        }
        case 4 -> {
          assertEquals(asForeign.getInt(at), swapped.getInt(at), where);
          assertEquals(asForeign.getInt(at), inPlace.getInt(at), where);
        }
        default -> {
          assertEquals(asForeign.getLong(at), swapped.getLong(at), where);
          assertEquals(asForeign.getLong(at), inPlace.getLong(at), where);
        }
      }
    }
  }

  @Test
  void heapBuffersAndBadSizes() {
    ByteBuffer heap = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    heap.position(1);
    NativeConversions.swapBytes(heap, 4);
    assertEquals(java.util.List.of(1, 5, 4, 3, 2, 9, 8, 7, 6),
        java.util.stream.IntStream.range(0, 9).map(heap::get).boxed().toList());
    assertThrows(IllegalArgumentException.class, () -> NativeConversions.swapBytes(heap, 3));
    assertThrows(java.nio.ReadOnlyBufferException.class, () -> NativeConversions.swapBytes(heap.asReadOnlyBuffer(), 2));
  }
}
