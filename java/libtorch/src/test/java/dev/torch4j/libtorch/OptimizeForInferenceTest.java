package dev.torch4j.libtorch;

import dev.torch4j.numpy.NpyFile;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ScriptModel.optimizeForInference against PyTorch's eager outputs: 60 models generated at random
 * (convolutions of every kind the freezing passes fold, batch norms, activations, residuals, branches,
 * pooling, linear heads; gen_optimize_cases.py), at batch 1 and 5, plus the fixed inference models.
 */
class OptimizeForInferenceTest {
    /** Folding batch norms and constants into weights reorders float arithmetic: rounding, not more. */
    static final double REL = 1e-4;
    static final double ABS = 1e-5;

    @BeforeAll
    static void ready() {
        Oracle.assumeReady();
    }

    @Test
    void generatedModelsMatchPyTorchAfterOptimising() throws IOException {
        List<String> rows = Files.readAllLines(Oracle.optimizeCase("cases.tsv"));
        assertEquals(60, rows.size(), "generated cases");
        List<String> failures = new ArrayList<>();
        int folded = 0;
        for (String row : rows) {
            String[] cell = row.split("\t", 2);
            String id = "case" + cell[0];
            try (ScriptModel m = ScriptModel.load(Oracle.optimizeCase(id + ".pt"))) {
                boolean hasBatchNorm = cell[1].contains("+bn+");
                m.optimizeForInference();
                assertTrue(m.isOptimizedForInference());
                if (hasBatchNorm) {
                    folded++;
                    String graph = m.forwardGraph(); // inlined by freezing: the convolutions are in it, the batch norms not
                    assertTrue(graph.contains("aten::conv2d") || graph.contains("aten::_convolution"), id + ": inlined");
                    assertFalse(graph.contains("batch_norm"), id + ": batch norms folded into the convolutions");
                    assertTrue(m.buffers().isEmpty(), id + ": running statistics are graph constants now");
                }
                for (int batch : new int[] {1, 5}) {
                    Tensor x = NpyFile.read(Oracle.optimizeCase(id + "_x" + batch + ".npy"));
                    float[] expected = NpyFile.read(Oracle.optimizeCase(id + "_y" + batch + ".npy")).toFloatArray();
                    try {
                        Oracle.assertClose(expected, m.forward(x).toFloatArray(), REL, ABS, id + " batch " + batch);
                        // A second call runs the executor's optimised plan (the first one profiles).
                        Oracle.assertClose(expected, m.forward(x).toFloatArray(), REL, ABS, id + " batch " + batch + " again");
                    } catch (AssertionError e) {
                        failures.add(e.getMessage() + " (" + cell[1] + ")");
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " mismatches:\n" + String.join("\n", failures));
        assertTrue(folded > 30, "most generated models carry batch norms to fold: " + folded);
    }

    @Test
    void fixedModelsMatchPyTorchAndRunnersFollowTheNewModule() throws IOException {
        for (String model : List.of("mlp", "cnn")) {
            try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture(model + ".pt"))) {
                ScriptRunner runner = m.runner(); // made before: must pick up the optimised module
                Tensor x1 = InferenceTest.npy(model + "_x1.npy");
                float[] before = runner.forward(x1.toFloatArray(), x1.shape());
                assertSame(m, m.optimizeForInference());
                assertSame(m, m.optimizeForInference(), "a second call does nothing");
                for (int batch : new int[] {1, 32}) {
                    Tensor x = InferenceTest.npy(model + "_x" + batch + ".npy");
                    float[] expected = InferenceTest.npy(model + "_y" + batch + ".npy").toFloatArray();
                    Oracle.assertClose(expected, m.forward(x).toFloatArray(), REL, ABS, model + " " + batch);
                    Oracle.assertClose(expected, runner.forward(x.toFloatArray(), x.shape()), REL, ABS,
                            model + " runner " + batch);
                }
                Oracle.assertClose(before, runner.forward(x1.toFloatArray(), x1.shape()), REL, ABS, model + " runner");
            }
        }
    }

    @Test
    void exportedMethodsStayAndTrainingIsRefused() throws IOException {
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("multi.pt"))) {
            Tensor x = InferenceTest.npy("multi_x.npy");
            m.optimizeForInference();
            assertEquals(List.of("forward", "grad_state"), m.methodNames().stream().sorted().toList());
            assertEquals(PyTuple.of(false, false), m.run("grad_state", x));
            PyTuple out = (PyTuple) m.run("forward", x, InferenceTest.npy("multi_idx.npy"));
            InferenceTest.assertMatches("multi_y0.npy", (Tensor) out.get(0));
            assertFalse(m.isTraining());
            m.train(false); // allowed: already so
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.train(true));
            assertTrue(e.getMessage().contains("multi.pt") && e.getMessage().contains("frozen for inference"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> m.withGradients(true));
            assertTrue(m.parameters().isEmpty(), "parameters are constants of the graph now");
        }
    }

    @Test
    void concurrentCallersFreezeOnceAndCallsKeepMatching() throws Exception {
        Tensor x = InferenceTest.npy("cnn_x1.npy");
        float[] expected = InferenceTest.npy("cnn_y1.npy").toFloatArray();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("cnn.pt"))) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean freezer = t % 2 == 0;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        if (freezer && i == 5) m.optimizeForInference(); // two threads race to freeze
                        Oracle.assertClose(expected, m.forward(x).toFloatArray(), REL, ABS, "call " + i);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) f.get();
            assertTrue(m.isOptimizedForInference());
            assertThrows(IllegalStateException.class, () -> m.train(true));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void gradientsOnRefuseOptimising() throws IOException {
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("mlp.pt"))) {
            m.withGradients(true);
            assertThrows(IllegalStateException.class, m::optimizeForInference);
            assertFalse(m.isOptimizedForInference());
            m.withGradients(false);
            m.optimizeForInference();
            assertTrue(m.isOptimizedForInference());
        }
    }
}
