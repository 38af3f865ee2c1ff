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

    /** Set to true to leave OpenBLAS's thread count alone in {@link #setIntraOp}. */
    public static final String KEEP_OPENBLAS_THREADS = "torch4j.libtorch.keepOpenblasThreads";

    /**
     * Sets the intra-op thread count (at least 1); may be changed at any time. OpenBLAS, which this
     * libtorch build calls for matrix products and which keeps its own thread pool (sized from the
     * core count or {@code OPENBLAS_NUM_THREADS} when it loads), is set to the same count: left alone,
     * its threads spin beside libtorch's and a 1-thread convolution burns several cores.
     */
    public static void setIntraOp(int threads) {
        if (threads < 1) throw new IllegalArgumentException("intra-op threads must be at least 1, not " + threads);
        LibtorchBackend.require();
        torch.set_num_threads(threads);
        if (!Boolean.getBoolean(KEEP_OPENBLAS_THREADS)) openblas_nolapack.blas_set_num_threads(threads);
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
