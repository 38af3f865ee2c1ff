package dev.torch4j.libtorch;

import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's thread pools, process-wide (as in PyTorch: {@code torch.set_num_threads},
 * {@code torch.set_num_interop_threads}). Intra-op threads split one operator (a matmul, a
 * convolution) across cores; inter-op threads run independent parts of a TorchScript graph
 * ({@code fork}). For many concurrent callers of small models, 1 intra-op thread per caller is
 * usually fastest; for one caller of a large model, the number of physical cores.
 */
public final class LibtorchThreads {
    private LibtorchThreads() {}

    /** Set to true to leave OpenBLAS's thread count alone (at load and in {@link #setIntraOp}). */
    public static final String KEEP_OPENBLAS_THREADS = "torch4j.libtorch.keepOpenblasThreads";

    /**
     * Sets the intra-op thread count (at least 1); may be changed at any time. libtorch's own
     * (OpenMP) threads split the work; OpenBLAS, which this libtorch build calls for matrix products,
     * keeps a second pool of its own, which stays at 1 thread (see {@link #singleThreadedBlas}).
     */
    public static void setIntraOp(int threads) {
        if (threads < 1) throw new IllegalArgumentException("intra-op threads must be at least 1, not " + threads);
        LibtorchBackend.require();
        torch.set_num_threads(threads);
        singleThreadedBlas();
    }

    /**
     * OpenBLAS's pool to 1 thread, unless {@value #KEEP_OPENBLAS_THREADS} is set. Run at load (unless
     * the user set {@code OPENBLAS_NUM_THREADS}) and by {@link #setIntraOp}. OpenBLAS sizes its pool
     * from the core count, and its threads then compete with libtorch's spinning OpenMP threads:
     * on 2 cores with 2 intra-op threads, a batch-1 convolution net took 89 ms a call with both
     * pools at 2 against 2.0 ms with OpenBLAS at 1 (JMH, quiet machine); at batch 32, 42 against
     * 39 ms; the MLP 53 against 51 us. With 1 intra-op thread, OpenBLAS's spinning threads made the
     * same net's CPU time 7x.
     */
    static void singleThreadedBlas() {
        if (!Boolean.getBoolean(KEEP_OPENBLAS_THREADS)) openblas_nolapack.blas_set_num_threads(1);
    }

    /**
     * An intra-op count to use from load on: a number at least 1, or {@code auto} for
     * {@link #defaultIntraOp}'s load-aware choice; unset: libtorch's own default.
     */
    public static final String THREADS = "torch4j.libtorch.threads";

    /**
     * The intra-op count at load: {@value #THREADS} when it is a number; libtorch's own default (one
     * thread per core, or {@code OMP_NUM_THREADS}) when it is unset. With {@code auto}, an
     * oversubscribed machine gets fewer threads: when the load average (the larger of the one- and
     * five-minute ones) exceeds the core count, the excess is taken off: {@code cores - (load - cores)},
     * rounded, at least 1. Why it exists: an intra-op region waits for all its threads, and when more
     * work is runnable than there are cores each wait is a scheduler time slice. Measured on 2 shared
     * cores (load average 5-9): a batch-1 CNN call (0.9 ms of work) took 15-107 ms with 2 threads and
     * 1.2-2.3 ms with 1. Why it is not the default: the count would then depend on what other
     * processes did in the last five minutes, which can halve a large batch's throughput on a
     * workstation that was busy a moment ago, and a default should not change with the neighbours.
     * Decided once, at load; {@link #setIntraOp} changes it at any time. Returns the count chosen.
     */
    static int defaultIntraOp() {
        String set = System.getProperty(THREADS);
        if (set == null) return torch.get_num_threads();
        if (set.trim().equals("auto")) {
            int threads = torch.get_num_threads();
            if (System.getenv("OMP_NUM_THREADS") != null) return threads; // the user's count, already libtorch's
            int free = freeCores(Runtime.getRuntime().availableProcessors(), LoadAverage.recent());
            if (free < threads) {
                torch.set_num_threads(free);
                return free;
            }
            return threads;
        }
        int n;
        try {
            n = Integer.parseInt(set.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException("-D" + THREADS + " must be auto or a number at least 1, not '" + set + "'");
        }
        torch.set_num_threads(n);
        return n;
    }

    /**
     * Cores left after the load's excess over the core count: {@code cores - max(0, load - cores)},
     * rounded, between 1 and {@code cores}; all of them when the load is unknown (negative).
     */
    static int freeCores(int cores, double load) {
        if (load < 0 || Double.isNaN(load) || load <= cores) return cores;
        return (int) Math.max(1, Math.min(cores, Math.round(2.0 * cores - load)));
    }

    /**
     * The larger of the system's one- and five-minute load averages ({@code /proc/loadavg}); -1 where
     * there is none. On a shared machine the one-minute average dips between bursts (measured here:
     * 2.1 while the five-minute one stood at 4.4, and a 2-thread call then took 34 ms); the larger of
     * the two says whether the machine has been oversubscribed lately.
     */
    static final class LoadAverage {
        private LoadAverage() {}

        static double recent() {
            try {
                String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
                return Math.max(Double.parseDouble(f[0]), Double.parseDouble(f[1]));
            } catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    /** OpenBLAS's thread count (its own pool, see {@link #setIntraOp}); -1 when it cannot be read. */
    public static int openBlasThreads() {
        LibtorchBackend.require();
        return openblas_nolapack.blas_get_num_threads();
    }

    public static int intraOp() {
        LibtorchBackend.require();
        return torch.get_num_threads();
    }

    /**
     * Sets the inter-op thread count. libtorch allows this once, before any inter-op work has
     * started; later calls fail with {@link IllegalStateException}.
     */
    public static void setInterOp(int threads) {
        if (threads < 1) throw new IllegalArgumentException("inter-op threads must be at least 1, not " + threads);
        LibtorchBackend.require();
        try {
            torch.set_num_interop_threads(threads);
        } catch (RuntimeException e) {
            throw new IllegalStateException("libtorch refused to set " + threads + " inter-op threads (it allows this once, "
                    + "before any parallel work): " + LibtorchException.nativeMessage(e), e);
        }
    }

    public static long interOp() {
        LibtorchBackend.require();
        return torch.get_num_interop_threads();
    }
}
