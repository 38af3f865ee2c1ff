package dev.torch4j.cli;

import dev.torch4j.Checkpoint;
import dev.torch4j.TorchFileException;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.stats.TensorHashing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/** What {@code inspect} reports about one opened file, gathered once and rendered as text or JSON. */
record Inspection(String file, String format, Map<String, Object> metadata, List<Row> tensors,
                  List<ValueWalker.Value> values, int hiddenValues, Totals totals) {

    /**
     * One tensor; sha256 is null unless hashing was asked for. The fields are read from the tensor
     * when written, so a file of 20,000 tensors does not hold a second copy of every shape.
     */
    record Row(String path, Tensor tensor, String sha256) {
        String dtype() { return tensor.dtype().pythonName(); }
        long[] shape() { return tensor.shape(); }
        long bytes() { return tensor.byteSize(); }
        String device() { return tensor.device(); }
        String storage() { return tensor.storage().key(); }
        long storageOffset() { return tensor.storageOffset(); }
    }

    /**
     * count: tensor paths; parameters: elements of distinct tensors (tied weights counted once, as
     * {@code sum(p.numel() for p in model.parameters())} does); bytes: distinct storages, i.e. the
     * tensor data the file holds.
     */
    record Totals(int count, long parameters, long bytes) {}

    static final int MAX_VALUES = 1_000;

    static Inspection of(Checkpoint cp, String fileLabel, long hashLimit, IntConsumer progress) throws TorchFileException {
        return of(cp, fileLabel, hashLimit, progress, false);
    }

    /**
     * @param hashLimit hash tensors of at most this many logical bytes (refusing larger ones); -1: no hashes
     * @param arraysAsValues list tensors the checkpoint leaves out of its tensors (numpy arrays, --torch-tensors-only) as values
     */
    static Inspection of(Checkpoint cp, String fileLabel, long hashLimit, IntConsumer progress, boolean arraysAsValues)
            throws TorchFileException {
        boolean hash = hashLimit >= 0;
        Map<String, Tensor> tensors = cp.tensors();
        RowCollector collector = new RowCollector(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            // Checked before any hashing starts, so the first over-limit tensor in file order is the one named.
            if (hash) checkHashLimit(e.getValue(), hashLimit, fileLabel, e.getKey());
            collector.add(e.getKey(), e.getValue());
        }
        List<Row> rows = collector.rows;
        long parameters = collector.parameters;
        long bytes = collector.bytes;
        if (hash) {
            rows = withHashes(rows, hashLimit, progress);
        } else if (!rows.isEmpty()) {
            progress.accept(rows.size()); // nothing to wait for: done at once, not counted up one call per tensor
        }
        ValueWalker walker = arraysAsValues ? new ValueWalker(MAX_VALUES, cp.tensors().values()) : new ValueWalker(MAX_VALUES);
        walker.walk(cp.root());
        return new Inspection(fileLabel, cp.format().id(), cp.metadata(), rows, walker.values(), walker.hidden(),
                new Totals(rows.size(), parameters, bytes));
    }

    /**
     * The rows and totals, a tensor at a time. A method per tensor rather than the body of the loop
     * in {@link #of}: the JIT compiles it after a few hundred tensors, where a loop body waits ~60,000
     * iterations for on-stack replacement.
     */
    private static final class RowCollector {
        final List<Row> rows;
        /**
         * The same view of the same storage, under another name (tied weights), is one tensor. Most
         * storages hold one tensor: only storages met again get a set of view keys.
         */
        private final Map<Storage, Tensor> firstOnStorage;
        private final Map<Storage, Set<String>> sharedViews = new HashMap<>();
        long parameters;
        long bytes;

        RowCollector(int size) {
            rows = new ArrayList<>(size);
            // A HashMap on Storage's hash (its key; equality is identity), not an IdentityHashMap:
            // no identity hash to make for each of 20,000 storages.
            firstOnStorage = new HashMap<>(size * 4 / 3 + 16);
        }

        void add(String path, Tensor t) {
            Storage s = t.storage();
            Tensor first = firstOnStorage.putIfAbsent(s, t);
            if (first == null) {
                bytes += s.byteSize();
                parameters += t.numel();
            } else {
                Set<String> views = sharedViews.get(s);
                if (views == null) {
                    views = new HashSet<>();
                    views.add(viewKey(first));
                    sharedViews.put(s, views);
                }
                if (views.add(viewKey(t))) parameters += t.numel();
            }
            rows.add(new Row(path, t, null));
        }
    }

    /** A view of its storage: tensors with equal keys on one storage are the same tensor. */
    private static String viewKey(Tensor t) {
        return t.storageOffset() + "/" + Arrays.toString(t.shape()) + "/" + Arrays.toString(t.stride());
    }

    private static void checkHashLimit(Tensor t, long limit, String file, String path) throws TorchFileException {
        if (t.byteSize() > limit) {
            throw new TorchFileException(file, null, -1, "tensor " + path + " has " + t.byteSize()
                    + " logical bytes (shape " + Arrays.toString(t.shape()) + ", stride " + Arrays.toString(t.stride())
                    + "), over the hashing limit of " + limit + " bytes: raise it with --max-hash-bytes");
        }
    }

    /** The rows again, each with its sha256: tensors hashed on every processor, rows kept in file order. */
    private static List<Row> withHashes(List<Row> rows, long limit, IntConsumer progress) {
        List<Tensor> tensors = new ArrayList<>(rows.size());
        for (Row r : rows) tensors.add(r.tensor());
        String[] sha = TensorHashing.sha256(tensors, limit, TensorHashing.defaultThreads(), progress);
        List<Row> hashed = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) hashed.add(new Row(rows.get(i).path(), rows.get(i).tensor(), sha[i]));
        return hashed;
    }
}
