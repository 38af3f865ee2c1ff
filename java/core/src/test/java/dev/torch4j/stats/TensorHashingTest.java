package dev.torch4j.stats;

import dev.torch4j.io.HeapRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The pool gives each tensor the JDK's sha256 of its row-major bytes, in the caller's order. */
class TensorHashingTest {
    private static List<Tensor> tensors() {
        Random rnd = new Random(28);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            int n = new int[] {0, 1, 5, 1000, 1_500_000}[i % 5];
            byte[] bytes = new byte[n * 4];
            rnd.nextBytes(bytes);
            ByteOrder order = i % 3 == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN; // the copying path too
            Storage s = Storage.ofBytes("s" + i, DType.FLOAT32, new HeapRegion(bytes), order);
            out.add(new Tensor(DType.FLOAT32, new long[] {n}, new long[] {1}, 0, s));
        }
        return out;
    }

    @Test void sameHashesAndOrderWithAnyThreadCount() throws Exception {
        List<Tensor> ts = tensors();
        long total = ts.stream().mapToLong(Tensor::byteSize).sum();
        assertTrue(total >= TensorHashing.PARALLEL_MIN_BYTES, "enough bytes for the pool to be used: " + total);
        List<String> want = new ArrayList<>();
        for (Tensor t : ts) {
            want.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(t.toByteArray())));
        }
        for (int threads : new int[] {1, 2, 7, 100}) {
            List<Integer> progress = new ArrayList<>();
            String[] got = TensorHashing.sha256(ts, Long.MAX_VALUE, threads, progress::add);
            assertEquals(want, List.of(got), threads + " threads");
            assertEquals(ts.size(), progress.size());
            for (int i = 0; i < progress.size(); i++) assertEquals(i + 1, progress.get(i), "progress counts in order");
        }
    }

    @Test void aWorkersFailureReachesTheCaller() {
        List<Tensor> ts = tensors();
        // 1,500,000 float32 are 6 MB: over a 1 MB limit, so the fifth tensor fails in a worker.
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> TensorHashing.sha256(ts, 1_000_000, 4, i -> {}));
        assertTrue(e.getMessage().contains("over the hashing limit of 1000000"), e.getMessage());
    }
}
