package dev.torch4j.bench;

import dev.torch4j.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Touching every byte: a wrapping sum of the 64-bit little-endian words (plus trailing bytes), the
 * same pass the Python side runs with {@code tensor.view(torch.int64).sum()}. Words are pulled in
 * 32 KiB bulk gets (an intrinsic copy into an L1-resident array) and summed in a loop the JIT
 * vectorises: per-element {@code ByteBuffer.getLong} spends a quarter of its time in bounds checks.
 */
final class Bytes {
    private static final int CHUNK_WORDS = 4096;
    private static final ThreadLocal<long[]> CHUNK = ThreadLocal.withInitial(() -> new long[CHUNK_WORDS]);

    private Bytes() {}

    static long sum(ByteBuffer b) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = le.remaining();
        int words = n >>> 3;
        LongBuffer longs = le.asLongBuffer();
        long[] chunk = CHUNK.get();
        long s = 0;
        for (int done = 0; done < words; ) {
            int k = Math.min(CHUNK_WORDS, words - done);
            longs.get(chunk, 0, k);
            s += sum(chunk, k);
            done += k;
        }
        for (int i = words << 3; i < n; i++) s += le.get(le.position() + i);
        return s;
    }

    private static long sum(long[] a, int k) {
        long s = 0;
        for (int i = 0; i < k; i++) s += a[i];
        return s;
    }

    static long sumAll(Map<String, Tensor> tensors) {
        long s = 0;
        for (Tensor t : tensors.values()) s += sum(t.asByteBuffer());
        return s;
    }

    /** Pieces of at most this many bytes are handed to the cores: big tensors split, small ones whole. */
    private static final int PIECE = 8 << 20;

    /**
     * The same sum over every core: the tensors' buffers cut into pieces of at most {@link #PIECE}
     * bytes, summed by the common fork-join pool and the caller (a wrapping sum does not depend on
     * the order, so the result equals {@link #sumAll}'s).
     */
    static long sumAllParallel(Map<String, Tensor> tensors) {
        List<ByteBuffer> pieces = new ArrayList<>();
        for (Tensor t : tensors.values()) {
            ByteBuffer b = t.asByteBuffer();
            int n = b.remaining();
            for (int at = 0; at < n; at += PIECE) pieces.add(b.slice(b.position() + at, Math.min(PIECE, n - at)));
        }
        return pieces.parallelStream().mapToLong(Bytes::sum).sum();
    }

    static long totalBytes(Map<String, Tensor> tensors) {
        long n = 0;
        for (Tensor t : tensors.values()) n += t.byteSize();
        return n;
    }
}
