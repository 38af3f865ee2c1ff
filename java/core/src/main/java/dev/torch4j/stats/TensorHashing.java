package dev.torch4j.stats;

import dev.torch4j.tensor.Tensor;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * The sha256 of many tensors at once, spread over a small pool of threads. Each tensor is hashed
 * by {@link Tensor#sha256(long)} (one implementation, streaming from the mapped file in bounded
 * chunks), so a worker holds at most one chunk buffer and anonymous memory stays flat.
 *
 * <p>SHA-256 is a sequential chain over a tensor's bytes: one tensor cannot be split across
 * threads. The parallelism is across tensors, so a file whose bytes sit in one huge tensor hashes
 * at one core's speed.
 */
public final class TensorHashing {
    /**
     * Below this many bytes in all, the caller's thread hashes alone: at about 1 GB/s that is some
     * 15 ms, less than starting threads and handing them thousands of tiny tensors costs.
     */
    static final long PARALLEL_MIN_BYTES = 16L << 20;

    private TensorHashing() {}

    /**
     * Most threads {@link #defaultThreads()} gives: each worker may hold a 1 MiB copy buffer (views
     * that are not contiguous little-endian), so anonymous memory stays within 16 MiB on any machine.
     */
    static final int MAX_THREADS = 16;

    /** Threads worth using: one per processor this JVM may run on, at most {@link #MAX_THREADS}. */
    public static int defaultThreads() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
    }

    /**
     * Hex sha256 of each tensor, in the order given, using at most {@code threads} threads (1: the
     * caller's thread only). Every tensor must be within {@code maxLogicalBytes} (callers check
     * first to name the offending entry; an over-limit tensor fails as {@link Tensor#sha256(long)} does).
     *
     * @param progress told the count of tensors done so far, on the caller's thread, in order
     */
    public static String[] sha256(List<Tensor> tensors, long maxLogicalBytes, int threads, IntConsumer progress) {
        int n = tensors.size();
        String[] out = new String[n];
        int workers = Math.min(Math.max(1, threads), n);
        if (workers <= 1 || totalBytes(tensors) < PARALLEL_MIN_BYTES) {
            for (int i = 0; i < n; i++) {
                out[i] = tensors.get(i).sha256(maxLogicalBytes);
                progress.accept(i + 1);
            }
            return out;
        }
        LargestFirstPool.run(tensors, workers, "hash", t -> t.sha256(maxLogicalBytes), (i, sha) -> {
            out[i] = sha;
            progress.accept(i + 1);
        });
        return out;
    }

    private static long totalBytes(List<Tensor> tensors) {
        long sum = 0;
        for (Tensor t : tensors) {
            sum += t.byteSize();
            if (sum < 0 || sum >= PARALLEL_MIN_BYTES) return PARALLEL_MIN_BYTES; // enough (or a huge stride-0 view)
        }
        return sum;
    }
}
