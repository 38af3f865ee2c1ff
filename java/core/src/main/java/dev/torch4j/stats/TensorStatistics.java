package dev.torch4j.stats;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.ElementChunks;
import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Statistics of many tensors in one streaming pass over their data, on several threads: each tensor
 * is read chunk by chunk ({@link ElementChunks}), so memory stays at one chunk per thread whatever
 * the tensor sizes. Tied weights (the same view of the same storage under several names) are read
 * once. Complex tensors get no statistics (a magnitude or per-part figure would mislead more than
 * help), so they are absent from the result.
 */
public final class TensorStatistics {
    private final int threads;
    private final int chunkElements;

    /** All cores, default chunk size. */
    public TensorStatistics() {
        this(Runtime.getRuntime().availableProcessors(), ElementChunks.DEFAULT_CHUNK_ELEMENTS);
    }

    public TensorStatistics(int threads, int chunkElements) {
        if (threads < 1) throw new IllegalArgumentException("threads must be positive: " + threads);
        this.threads = threads;
        this.chunkElements = chunkElements;
    }

    /** Whether {@link #of} gives statistics for this dtype. */
    public static boolean supports(DType d) {
        return d.kind() != DType.Kind.COMPLEX;
    }

    /** One tensor, on the calling thread. */
    public TensorStats of(Tensor t) {
        return of(t, bytes -> { });
    }

    private TensorStats of(Tensor t, java.util.function.LongConsumer bytesRead) {
        if (!supports(t.dtype())) throw new IllegalArgumentException(t.dtype().pythonName() + " tensors have no statistics");
        ElementChunks chunks = new ElementChunks(t, chunkElements);
        double[] values = new double[chunks.maxValuesPerChunk()];
        StatsAccumulator acc = new StatsAccumulator();
        int item = t.dtype().itemSize();
        for (int n; (n = chunks.next(values)) > 0; ) {
            acc.add(values, n);
            bytesRead.accept((long) n * item);
        }
        return acc.result();
    }

    /**
     * Statistics of every supported tensor, keyed and ordered like {@code tensors}. The first failure
     * (an unreadable storage) is thrown once the other threads stopped.
     */
    public Map<String, TensorStats> of(Map<String, Tensor> tensors, StatsProgress progress) {
        Map<String, String> viewOf = new HashMap<>();
        Map<String, Tensor> distinct = new LinkedHashMap<>();
        Map<Object, Integer> storageIds = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (!supports(t.dtype())) continue;
            String view = storageIds.computeIfAbsent(t.storage(), s -> storageIds.size()) + "/" + t.storageOffset()
                    + "/" + t.dtype() + "/" + Arrays.toString(t.shape()) + "/" + Arrays.toString(t.stride());
            viewOf.put(e.getKey(), view);
            distinct.putIfAbsent(view, t);
        }
        long total = distinct.values().stream().mapToLong(Tensor::byteSize).sum();
        AtomicLong done = new AtomicLong();
        Object progressLock = new Object();
        java.util.function.LongConsumer onBytes = bytes -> {
            long now = done.addAndGet(bytes);
            synchronized (progressLock) {
                progress.update(now, total);
            }
        };
        List<Map.Entry<String, Tensor>> work = new ArrayList<>(distinct.entrySet());
        List<Tensor> workTensors = work.stream().map(Map.Entry::getValue).toList();
        Map<String, TensorStats> byView = new HashMap<>();
        LargestFirstPool.run(workTensors, threads, "stats", t -> of(t, onBytes),
                (i, stats) -> byView.put(work.get(i).getKey(), stats));
        Map<String, TensorStats> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : viewOf.entrySet()) out.put(e.getKey(), byView.get(e.getValue()));
        Map<String, TensorStats> ordered = new LinkedHashMap<>();
        for (String path : tensors.keySet()) if (out.containsKey(path)) ordered.put(path, out.get(path));
        return ordered;
    }
}
