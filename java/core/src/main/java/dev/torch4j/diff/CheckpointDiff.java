package dev.torch4j.diff;

import dev.torch4j.tensor.ElementChunks;
import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compares two sets of named tensors, whatever files they came from: names only on one side, dtype
 * and shape changes, and for tensors of equal shape the element-wise differences, streamed chunk by
 * chunk from both files at once (memory: two chunks per thread). Tensors are compared on all cores.
 */
public final class CheckpointDiff {
    private final DiffOptions options;
    private final int threads;
    private final int chunkElements;

    public CheckpointDiff(DiffOptions options) {
        this(options, Runtime.getRuntime().availableProcessors(), ElementChunks.DEFAULT_CHUNK_ELEMENTS);
    }

    public CheckpointDiff(DiffOptions options, int threads, int chunkElements) {
        this.options = options;
        this.threads = Math.max(1, threads);
        this.chunkElements = chunkElements;
    }

    public DiffResult compare(Map<String, Tensor> a, Map<String, Tensor> b) {
        Map<String, Tensor> left = stripped(a, "A");
        Map<String, Tensor> right = stripped(b, "B");
        List<String> onlyA = new ArrayList<>();
        List<String> both = new ArrayList<>();
        for (String p : left.keySet()) (right.containsKey(p) ? both : onlyA).add(p);
        List<String> onlyB = new ArrayList<>();
        for (String p : right.keySet()) if (!left.containsKey(p)) onlyB.add(p);

        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, both.size())), r -> {
            Thread th = new Thread(r, "torch4j-diff");
            th.setDaemon(true);
            return th;
        });
        List<TensorComparison> common = new ArrayList<>();
        try {
            List<Future<TensorComparison>> futures = new ArrayList<>();
            for (String p : both) futures.add(pool.submit(() -> compare(p, left.get(p), right.get(p))));
            for (Future<TensorComparison> f : futures) common.add(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while comparing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new DiffResult(onlyA, onlyB, common, options);
    }

    private Map<String, Tensor> stripped(Map<String, Tensor> tensors, String side) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String key = options.strip(e.getKey());
            if (out.putIfAbsent(key, e.getValue()) != null) {
                throw new IllegalArgumentException("after stripping prefixes, two tensors of " + side
                        + " are both named '" + key + "'");
            }
        }
        return out;
    }

    /** One pair of tensors. */
    public TensorComparison compare(String path, Tensor a, Tensor b) {
        String da = a.dtype().pythonName();
        String db = b.dtype().pythonName();
        long[] sa = a.shape();
        long[] sb = b.shape();
        if (!Arrays.equals(sa, sb)) {
            return new TensorComparison(path, da, db, sa, sb, TensorComparison.Status.SHAPE_CHANGED,
                    a.numel(), -1, Double.NaN, Double.NaN, -1);
        }
        ElementChunks ca = new ElementChunks(a, chunkElements);
        ElementChunks cb = new ElementChunks(b, chunkElements);
        if (ca.valuesPerElement() != cb.valuesPerElement()) { // complex against real: no element pairing
            return new TensorComparison(path, da, db, sa, sb, TensorComparison.Status.DTYPE_CHANGED,
                    a.numel(), -1, Double.NaN, Double.NaN, -1);
        }
        double[] va = new double[ca.maxValuesPerChunk()];
        double[] vb = new double[cb.maxValuesPerChunk()];
        int per = ca.valuesPerElement();
        long outside = 0;
        long worst = -1;
        double worstDiff = -1;
        double maxAbs = 0;
        double maxRel = 0;
        long base = 0;
        for (int n; (n = ca.next(va)) > 0; base += n) {
            int m = cb.next(vb);
            if (m != n) throw new IllegalStateException("tensor " + path + ": sides gave " + n + " and " + m + " values");
            for (int i = 0; i < n; i++) {
                double x = va[i];
                double y = vb[i];
                if (x == y || (Double.isNaN(x) && Double.isNaN(y))) continue;
                double diff = Math.abs(x - y);
                if (Double.isNaN(diff)) diff = Double.POSITIVE_INFINITY; // NaN against a number, or inf - inf
                double rel = diff / Math.abs(y);
                if (Double.isNaN(rel)) rel = Double.POSITIVE_INFINITY;
                if (diff > maxAbs) maxAbs = diff;
                if (rel > maxRel) maxRel = rel;
                boolean close = Double.isFinite(x) && Double.isFinite(y) && diff <= options.atol() + options.rtol() * Math.abs(y);
                if (!close) {
                    outside++;
                    if (diff > worstDiff) {
                        worstDiff = diff;
                        worst = (base + i) / per;
                    }
                }
            }
        }
        TensorComparison.Status status = outside > 0 ? TensorComparison.Status.DIFFERENT
                : !da.equals(db) ? TensorComparison.Status.DTYPE_CHANGED
                : maxAbs > 0 ? TensorComparison.Status.CLOSE
                : TensorComparison.Status.EQUAL;
        return new TensorComparison(path, da, db, sa, sb, status, a.numel(), outside, maxAbs, maxRel, worst);
    }
}
