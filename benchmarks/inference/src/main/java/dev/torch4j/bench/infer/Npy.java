package dev.torch4j.bench.infer;

import dev.torch4j.numpy.NpyFile;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;

/** A float32 .npy workload file, read with torch4j-core's NpyFile (no engine involved). */
record Npy(float[] data, long[] shape) {
    static Npy read(Path file) throws IOException {
        Tensor t = NpyFile.read(file);
        return new Npy(t.toFloatArray(), t.shape());
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        if (expected.length != actual.length) throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tol * Math.max(1, Math.abs(expected[i]))) {
                throw new AssertionError(what + "[" + i + "]: " + actual[i] + ", PyTorch " + expected[i]);
            }
        }
    }
}
