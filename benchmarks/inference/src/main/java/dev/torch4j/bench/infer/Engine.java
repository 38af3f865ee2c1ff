package dev.torch4j.bench.infer;

import java.nio.file.Path;

/** One way of running a TorchScript model from Java: float[] in, float[] out (first output tensor). */
interface Engine extends AutoCloseable {
    float[] run(float[] input, long[] shape) throws Exception;

    /** The engine's intra-op thread count as it reports it; -1 when it has no public way to. */
    default int intraOpThreads() {
        return -1;
    }

    /** Frees the engine's native objects; throws nothing checked. */
    @Override void close();

    /** Loads the engine's classes only when chosen, so one fork never loads two libtorch builds. */
    static Engine open(String name, Path model, int threads) throws Exception {
        // torch4j's BLAS: OpenBLAS unless the engine's name ends in -mkl (MKL's jar is on this class path,
        // so the library's "auto" would pick it); a -Dtorch4j.libtorch.blas given on the command line wins.
        if (name.startsWith("torch4j") && System.getProperty("torch4j.libtorch.blas") == null) {
            System.setProperty("torch4j.libtorch.blas", name.endsWith("-mkl") ? "mkl" : "openblas");
        }
        return switch (name) {
            case "torch4j", "torch4j-mkl" -> new Torch4jEngine(model, threads);
            case "torch4j-frozen", "torch4j-frozen-mkl" -> new Torch4jEngine(model, threads, true);
            case "torch4j-runner" -> new Torch4jRunnerEngine(model, threads);
            case "javacpp" -> new JavaCppEngine(model, threads);
            case "djl" -> new DjlEngine(model, threads);
            default -> throw new IllegalArgumentException("unknown engine " + name);
        };
    }
}
