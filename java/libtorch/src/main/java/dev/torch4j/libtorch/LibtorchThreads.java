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
