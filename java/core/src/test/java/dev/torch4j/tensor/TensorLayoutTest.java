package dev.torch4j.tensor;

import dev.torch4j.io.HeapRegion;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorLayoutTest {
    private static Storage storage(int bytes) {
        return Storage.ofBytes("7", DType.FLOAT32, new HeapRegion(new byte[bytes]), ByteOrder.LITTLE_ENDIAN);
    }

    private static void fits(long[] shape, long[] stride, long offset, int storageBytes) {
        TensorLayout.checkFits(DType.FLOAT32, shape, stride, offset, storage(storageBytes));
    }

    @Test void numel() {
        assertEquals(1, TensorLayout.numel(new long[0]));
        assertEquals(0, TensorLayout.numel(new long[] {3, 0, 5}));
        assertEquals(60, TensorLayout.numel(new long[] {3, 4, 5}));
        assertThrows(IllegalArgumentException.class, () -> TensorLayout.numel(new long[] {1L << 32, 1L << 32}));
        assertThrows(IllegalArgumentException.class, () -> TensorLayout.numel(new long[] {2, -1}));
    }

    @Test void contiguityFollowsPyTorch() {
        // Each case as PyTorch 1.13 answers is_contiguous() (views.txt covers more, generated).
        assertTrue(TensorLayout.isContiguous(new long[] {3, 1, 4}, new long[] {4, 99, 1}));
        assertTrue(TensorLayout.isContiguous(new long[] {0, 3}, new long[] {7, 5}));
        assertTrue(TensorLayout.isContiguous(new long[0], new long[0]));
        assertFalse(TensorLayout.isContiguous(new long[] {3, 4}, new long[] {1, 3}));
        assertFalse(TensorLayout.isContiguous(new long[] {3, 4}, new long[] {4, 0}));
    }

    @Test void viewsMustStayInsideTheStorage() {
        assertDoesNotThrow(() -> fits(new long[] {2, 3}, new long[] {3, 1}, 0, 24));
        assertDoesNotThrow(() -> fits(new long[] {2, 3}, new long[] {3, 1}, 1, 28));
        assertDoesNotThrow(() -> fits(new long[] {4}, new long[] {0}, 5, 24)); // expanded element 5
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fits(new long[] {2, 3}, new long[] {3, 1}, 1, 24));
        assertTrue(e.getMessage().contains("reaches byte 28") && e.getMessage().contains("storage 7 holds 24"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fits(new long[] {2, 3}, new long[] {1, 3}, 0, 24)); // last at 7
        assertThrows(IllegalArgumentException.class, () -> fits(new long[] {-1}, new long[] {1}, 0, 24));
        assertThrows(IllegalArgumentException.class, () -> fits(new long[] {2}, new long[] {-1}, 1, 24));
        assertThrows(IllegalArgumentException.class, () -> fits(new long[] {2}, new long[] {1}, -1, 24));
        assertThrows(IllegalArgumentException.class, () -> fits(new long[] {2}, new long[] {1, 1}, 0, 24));
        assertThrows(IllegalArgumentException.class, () -> fits(new long[] {2}, new long[] {Long.MAX_VALUE}, 0, 24));
        assertThrows(IllegalArgumentException.class, () -> fits(new long[] {1}, new long[] {1}, Long.MAX_VALUE / 2, 24));
        // Empty tensors read nothing, so any offset fits.
        assertDoesNotThrow(() -> fits(new long[] {0, 5}, new long[] {5, 1}, 1000, 0));
        assertThrows(IllegalArgumentException.class, () -> new Tensor(DType.FLOAT32, new long[] {7}, new long[] {1}, 0, storage(24)));
    }
}
