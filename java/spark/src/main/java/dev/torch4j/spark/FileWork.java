package dev.torch4j.spark;

import dev.torch4j.Checkpoint;
import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Tensors;
import org.apache.hadoop.conf.Configuration;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a task does with one file: open it through Hadoop with core's reader (the CLI's reader)
 * and give its tensor rows, or scan and summarise it as one file row. Each file runs on a worker
 * thread under its {@link Budget}: when the time is up the task records an error row and moves
 * on (the stuck thread, a daemon, is abandoned and its source fails its next read). Any failure
 * becomes a row with {@code error} set, never an exception that would fail the job.
 */
final class FileWork implements Closeable {
    final Configuration conf;
    private final ReadOptions options;
    private ExecutorService worker = newWorker();
    /** CPU time of the files' worker threads, which do the parsing, hashing and scanning. */
    private final java.util.concurrent.atomic.AtomicLong workerCpuNanos = new java.util.concurrent.atomic.AtomicLong();

    FileWork(Configuration conf, ReadOptions options) {
        this.conf = conf;
        this.options = options;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "torch4j-file");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Tensor rows of tensors [part*n/parts, (part+1)*n/parts) of the file in file order; one error
     * row (from part 0 only) when the file cannot be read. {@code formats}: keep only these (empty: all).
     */
    List<Object[]> tensorRows(String file, int part, int parts, Set<String> required, Set<String> formats) {
        boolean hash = options.hash() && required.contains("sha256");
        try {
            return withinBudget(file, budget -> {
                try (Checkpoint cp = Torch.open(HadoopSource.open(file, conf, budget), file, LoadOptions.DEFAULT)) {
                    String format = cp.format().id();
                    if (!formats.isEmpty() && !formats.contains(format)) return List.of();
                    List<Map.Entry<String, Tensor>> all = new ArrayList<>(cp.tensors().entrySet());
                    int from = (int) ((long) all.size() * part / parts);
                    int to = (int) ((long) all.size() * (part + 1) / parts);
                    List<Object[]> rows = new ArrayList<>(to - from);
                    for (Map.Entry<String, Tensor> e : all.subList(from, to)) {
                        rows.add(tensorRow(file, format, e.getKey(), e.getValue(), hash));
                    }
                    return rows;
                }
            });
        } catch (Exception e) {
            if (part != 0) return List.of();
            Object[] row = new Object[Columns.TENSORS.size()];
            row[Columns.T_FILE] = file;
            row[Columns.T_ERROR] = Failures.message(e);
            return List.<Object[]>of(row);
        }
    }

    private static Object[] tensorRow(String file, String format, String path, Tensor t, boolean hash) {
        Object[] row = new Object[Columns.TENSORS.size()];
        row[Columns.T_FILE] = file;
        row[Columns.T_FORMAT] = format;
        row[Columns.T_PATH] = path;
        row[Columns.T_DTYPE] = t.dtype().pythonName();
        row[Columns.T_SHAPE] = t.shape();
        long numel = Tensors.numel(t.shape());
        row[Columns.T_NUMEL] = numel;
        row[Columns.T_BYTES] = numel * t.dtype().itemSize();
        if (hash) {
            try {
                row[Columns.T_SHA256] = t.sha256();
            } catch (RuntimeException e) {
                row[Columns.T_ERROR] = Failures.message(e); // this tensor only; its neighbours still hash
            }
        }
        return row;
    }

    /** One row for the file: scan verdict, globals and findings, and format, tensor count and parameters. */
    Object[] fileRow(String file, Set<String> required, Set<String> formats) {
        Object[] row = new Object[Columns.FILES.size()];
        row[Columns.F_FILE] = file;
        boolean scan = required.contains("verdict") || required.contains("globals") || required.contains("findings");
        boolean open = required.contains("tensors") || required.contains("parameters")
                || (!scan && (required.contains("format") || !formats.isEmpty()));
        try {
            withinBudget(file, budget -> {
                if (required.contains("size")) {
                    row[Columns.F_SIZE] = new org.apache.hadoop.fs.Path(file).getFileSystem(conf)
                            .getFileStatus(new org.apache.hadoop.fs.Path(file)).getLen();
                }
                if (scan) scanInto(row, file, budget, required.contains("format") || !formats.isEmpty());
                boolean dangerous = "dangerous".equals(row[Columns.F_VERDICT]);
                if (open && !dangerous) openInto(row, file, budget); // a dangerous file is not loaded, even inertly
                return null;
            });
        } catch (Exception e) {
            if (row[Columns.F_ERROR] == null) row[Columns.F_ERROR] = Failures.message(e);
            if (scan && row[Columns.F_VERDICT] == null) row[Columns.F_VERDICT] = "unreadable";
        }
        if (!formats.isEmpty() && row[Columns.F_FORMAT] != null && !formats.contains((String) row[Columns.F_FORMAT])) return null;
        return row;
    }

    private void scanInto(Object[] row, String file, Budget budget, boolean container) throws IOException {
        ScanAdapter.Result r = ScanAdapter.scan(file, conf, budget, container);
        row[Columns.F_FORMAT] = r.container();
        row[Columns.F_VERDICT] = r.verdict();
        row[Columns.F_GLOBALS] = r.globals();
        row[Columns.F_FINDINGS] = r.findings();
        if (r.error() != null) row[Columns.F_ERROR] = r.error();
    }

    private void openInto(Object[] row, String file, Budget budget) throws IOException {
        HadoopSource source = HadoopSource.open(file, conf, budget);
        try (Checkpoint cp = Torch.open(source, file, LoadOptions.DEFAULT)) {
            row[Columns.F_FORMAT] = cp.format().id(); // finer than the scan's container: torchscript, mobile
            row[Columns.F_TENSORS] = (long) cp.tensors().size();
            long parameters = 0;
            for (Tensor t : cp.stateDict().values()) parameters += Tensors.numel(t.shape());
            row[Columns.F_PARAMETERS] = parameters;
        }
    }

    /** Work on one file that can throw; the budget's clock starts now. */
    @FunctionalInterface
    interface BudgetedWork<T> {
        T run(Budget budget) throws Exception;
    }

    <T> T withinBudget(String file, BudgetedWork<T> work) throws Exception {
        Budget budget = options.budget().started();
        Callable<T> task = () -> {
            long cpu = TaskCpu.currentThreadNanos();
            try {
                return work.run(budget);
            } finally {
                workerCpuNanos.addAndGet(TaskCpu.currentThreadNanos() - cpu);
            }
        };
        Future<T> f = worker.submit(task);
        try {
            return f.get(budget.timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the old thread may be stuck in CPU-bound parsing: leave it behind
            throw new IOException(file + ": over the per-file time budget of " + budget.timeoutMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    long workerCpuNanos() {
        return workerCpuNanos.get();
    }

    @Override public void close() {
        worker.shutdownNow();
    }
}
