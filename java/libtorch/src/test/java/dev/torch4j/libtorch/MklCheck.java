package dev.torch4j.libtorch;

import dev.torch4j.numpy.NpyFile;
import dev.torch4j.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by MklBlasTest in a JVM of its own with -Dtorch4j.libtorch.blas=mkl (BLAS is chosen once per
 * process): checks that libtorch calls MKL and that its outputs match PyTorch's on the inference
 * models and on every generated model, unfrozen and frozen. Prints one line per check, "blas MKL"
 * first; exits 1 at the first mismatch.
 *
 * <p>{@code MklCheck INFERENCE_DIR OPTIMIZE_DIR}
 */
public final class MklCheck {
    private MklCheck() {}

    public static void main(String[] args) throws Exception {
        Path inference = Path.of(args[0]);
        Path cases = Path.of(args[1]);
        LibtorchBackend.require();
        System.out.println("blas " + BlasLibrary.loaded());
        System.out.println("blas threads " + LibtorchThreads.openBlasThreads());
        int checked = 0;
        for (String model : List.of("mlp", "cnn")) {
            for (boolean frozen : new boolean[] {false, true}) {
                try (ScriptModel m = ScriptModel.load(inference.resolve(model + ".pt"))) {
                    if (frozen) m.optimizeForInference();
                    for (int batch : new int[] {1, 32}) {
                        check(m, inference.resolve(model + "_x" + batch + ".npy"), inference.resolve(model + "_y" + batch + ".npy"));
                        checked++;
                    }
                }
            }
        }
        for (String row : Files.readAllLines(cases.resolve("cases.tsv"))) {
            String id = "case" + row.substring(0, row.indexOf('\t'));
            for (boolean frozen : new boolean[] {false, true}) {
                try (ScriptModel m = ScriptModel.load(cases.resolve(id + ".pt"))) {
                    if (frozen) m.optimizeForInference();
                    for (int batch : new int[] {1, 5}) {
                        check(m, cases.resolve(id + "_x" + batch + ".npy"), cases.resolve(id + "_y" + batch + ".npy"));
                        checked++;
                    }
                }
            }
        }
        System.out.println("matched " + checked);
    }

    private static void check(ScriptModel m, Path x, Path y) throws Exception {
        Tensor in = NpyFile.read(x);
        float[] expected = NpyFile.read(y).toFloatArray();
        Oracle.assertClose(expected, m.forward(in).toFloatArray(), OptimizeForInferenceTest.REL, OptimizeForInferenceTest.ABS,
                m.path().getFileName() + " on " + x.getFileName() + (m.isOptimizedForInference() ? " (frozen)" : ""));
    }
}
