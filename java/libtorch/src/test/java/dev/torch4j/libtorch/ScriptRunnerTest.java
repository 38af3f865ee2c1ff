package dev.torch4j.libtorch;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.torch4j.libtorch.InferenceTest.ABS;
import static dev.torch4j.libtorch.InferenceTest.REL;
import static dev.torch4j.libtorch.InferenceTest.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The low-overhead runner against PyTorch 1.13's outputs for the same scripted models and inputs. */
class ScriptRunnerTest {
    @BeforeAll
    static void ready() {
        Oracle.assumeReady();
    }

    @Test
    void mlpAndCnnMatchPyTorchWhileTheShapeChanges() throws IOException {
        for (String model : List.of("mlp", "cnn")) {
            try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture(model + ".pt")); ScriptRunner r = m.runner()) {
                // 1, 32, 1: the input buffer is replaced when the batch changes, and reused when it does not.
                for (int batch : new int[] {1, 32, 1, 1}) {
                    Tensor x = npy(model + "_x" + batch + ".npy");
                    float[] y = r.forward(x.toFloatArray(), x.shape());
                    Tensor expected = npy(model + "_y" + batch + ".npy");
                    Oracle.assertClose(expected.toFloatArray(), y, REL, ABS, model + " batch " + batch);
                    assertArrayEquals(expected.shape(), r.outputShape(0));
                    assertEquals(DType.FLOAT32, r.outputDType(0));
                }
            }
        }
    }

    @Test
    void severalInputsAndOutputsKeepTheirDtypes() throws IOException {
        Tensor x = npy("multi_x.npy");
        Tensor idx = npy("multi_idx.npy");
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("multi.pt")); ScriptRunner r = m.runner()) {
            r.input(0, FloatBuffer.wrap(x.toFloatArray()), x.shape()).input(1, idx.toLongArray(), idx.shape()).run();
            assertEquals(3, r.outputCount());
            Oracle.assertClose(npy("multi_y0.npy").toFloatArray(), r.outputFloats(0), REL, ABS, "output 0");
            assertEquals(DType.INT64, r.outputDType(1));
            assertArrayEquals(npy("multi_y1.npy").toLongArray(), r.outputLongs(1));
            Tensor positive = r.outputTensor(2);
            assertEquals(DType.BOOL, positive.dtype());
            assertArrayEquals(npy("multi_y2.npy").toBooleanArray(), positive.toBooleanArray());
            // The same results through torch4j tensors as inputs, and read in place.
            r.input(0, x).input(1, idx).run();
            ByteBuffer view = r.outputBuffer(0);
            float[] viewed = new float[view.remaining() / 4];
            view.asFloatBuffer().get(viewed);
            Oracle.assertClose(npy("multi_y0.npy").toFloatArray(), viewed, REL, ABS, "output 0 viewed");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.outputFloats(1));
            assertTrue(e.getMessage().contains("int64"), e.getMessage());
        }
    }

    @Test
    void wrongArgumentsAreReportedAndTheRunnerRecovers() throws IOException {
        Tensor x = npy("multi_x.npy");
        Tensor idx = npy("multi_idx.npy");
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("multi.pt")); ScriptRunner r = m.runner()) {
            LibtorchException e = assertThrows(LibtorchException.class, () -> r.input(0, x).run());
            assertTrue(e.getMessage().contains("multi.pt.forward"), e.getMessage());
            IllegalStateException unset = assertThrows(IllegalStateException.class, () -> r.input(2, x).run());
            assertTrue(unset.getMessage().contains("input 1"), unset.getMessage());
            assertThrows(IllegalArgumentException.class, () -> r.input(1, new long[3], 2, 2));
            ScriptRunner fresh = m.runner();
            fresh.input(0, x).input(1, idx).run();
            assertArrayEquals(npy("multi_y1.npy").toLongArray(), fresh.outputLongs(1));
            fresh.close();
            assertThrows(IllegalStateException.class, fresh::run);
            LibtorchException notTensors = assertThrows(LibtorchException.class, () -> m.runner("grad_state").input(0, x).run().outputCount());
            assertTrue(notTensors.getMessage().contains("not a tensor"), notTensors.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.runner("nonexistent"));
        }
    }

    @Test
    void severalThreadsEachWithARunnerShareOneModel() throws Exception {
        float[] x1 = npy("mlp_x1.npy").toFloatArray();
        float[] x32 = npy("mlp_x32.npy").toFloatArray();
        float[] y1 = npy("mlp_y1.npy").toFloatArray();
        float[] y32 = npy("mlp_y32.npy").toFloatArray();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("mlp.pt"))) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    try (ScriptRunner r = m.runner()) {
                        for (int i = 0; i < 40; i++) {
                            boolean big = (i + id) % 2 == 0;
                            float[] y = big ? r.forward(x32, 32, 64) : r.forward(x1, 1, 64);
                            Oracle.assertClose(big ? y32 : y1, y, REL, ABS, "thread " + id + " call " + i);
                        }
                    }
                    return id;
                }));
            }
            for (Future<Integer> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void steadyCallsMakeNoNativeHandlesAndClosingTheModelStopsThem() throws IOException {
        float[] x = npy("mlp_x1.npy").toFloatArray();
        ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("mlp.pt"));
        try (ScriptRunner r = m.runner()) {
            r.forward(x, 1, 64);
            long handles = Pointer.totalCount();
            for (int i = 0; i < 200; i++) r.input(0, x, 1, 64).run();
            // At most: the garbage collector may meanwhile free other tests' leftovers.
            assertTrue(Pointer.totalCount() <= handles, "native handles made and kept by steady-state calls");
            Oracle.assertClose(npy("mlp_y1.npy").toFloatArray(), r.outputFloats(0), REL, ABS, "after 200 calls");
            m.close();
            assertThrows(IllegalStateException.class, r::run);
        }
    }
}
