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
        for (String model : List.of("mlp", "cnn")) checked += checkBothWays(inference, model, 1, 32);
        for (String row : Files.readAllLines(cases.resolve("cases.tsv"))) {
            checked += checkBothWays(cases, "case" + row.substring(0, row.indexOf('\t')), 1, 5);
        }
        System.out.println("matched " + checked);
    }

    /** {@code dir/name.pt} unfrozen, then frozen, on {@code name_x<b>.npy} against {@code name_y<b>.npy}: the checks made. */
    private static int checkBothWays(Path dir, String name, int... batches) throws Exception {
        int checked = 0;
        for (boolean frozen : new boolean[] {false, true}) {
            try (ScriptModel m = ScriptModel.load(dir.resolve(name + ".pt"))) {
                if (frozen) m.optimizeForInference();
                for (int batch : batches) {
                    check(m, dir.resolve(name + "_x" + batch + ".npy"), dir.resolve(name + "_y" + batch + ".npy"));
                    checked++;
                }
            }
        }
        return checked;
    }

    private static void check(ScriptModel m, Path x, Path y) throws Exception {
        Tensor in = NpyFile.read(x);
        float[] expected = NpyFile.read(y).toFloatArray();
        Oracle.assertClose(expected, m.forward(in).toFloatArray(), OptimizeForInferenceTest.REL, OptimizeForInferenceTest.ABS,
                m.path().getFileName() + " on " + x.getFileName() + (m.isOptimizedForInference() ? " (frozen)" : ""));
    }
}
