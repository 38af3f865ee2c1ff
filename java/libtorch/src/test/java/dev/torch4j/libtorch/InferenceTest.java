package dev.torch4j.libtorch;

import dev.torch4j.numpy.NpyFile;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inference through ScriptModel against PyTorch 1.13's outputs for the same scripted models and inputs. */
class InferenceTest {
    static final double REL = 1e-5;
    static final double ABS = 1e-5;

    @BeforeAll
    static void ready() {
        Oracle.assumeReady();
    }

    static Tensor npy(String name) throws IOException {
        return NpyFile.read(Oracle.inferenceFixture(name));
    }

    static void assertMatches(String expectedNpy, Tensor actual) throws IOException {
        Tensor expected = npy(expectedNpy);
        assertArrayEquals(expected.shape(), actual.shape(), expectedNpy);
        assertEquals(expected.dtype(), actual.dtype(), expectedNpy);
        Oracle.assertClose(expected.toFloatArray(), actual.toFloatArray(), REL, ABS, expectedNpy);
    }

    @Test
    void mlpAndCnnMatchPyTorchAtBatch1And32() throws IOException {
        for (String model : List.of("mlp", "cnn")) {
            try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture(model + ".pt"))) {
                for (int batch : new int[] {1, 32}) {
                    assertMatches(model + "_y" + batch + ".npy", m.forward(npy(model + "_x" + batch + ".npy")));
                }
            }
        }
    }

    @Test
    void severalInputsAndOutputsKeepTheirDtypes() throws IOException {
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("multi.pt"))) {
            PyTuple out = (PyTuple) m.run("forward", npy("multi_x.npy"), npy("multi_idx.npy"));
            assertEquals(3, out.size());
            assertMatches("multi_y0.npy", (Tensor) out.get(0));
            Tensor idx2 = (Tensor) out.get(1);
            assertEquals(DType.INT64, idx2.dtype());
            assertArrayEquals(npy("multi_y1.npy").toLongArray(), idx2.toLongArray());
            Tensor positive = (Tensor) out.get(2);
            assertEquals(DType.BOOL, positive.dtype());
            assertArrayEquals(npy("multi_y2.npy").toBooleanArray(), positive.toBooleanArray());
        }
    }

    @Test
    void inferenceModeIsOnByDefaultAndGradientsAreOptIn() throws IOException {
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("multi.pt"))) {
            Tensor x = npy("multi_x.npy");
            assertFalse(m.gradientsEnabled());
            assertEquals(PyTuple.of(false, false), m.run("grad_state", x), "no autograd inside a default call");
            m.withGradients(true);
            assertEquals(PyTuple.of(true, true), m.run("grad_state", x), "gradients on request");
            m.withGradients(false);
            // After a call with gradients the executor's plans were recorded under autograd: still correct, still off.
            assertEquals(PyTuple.of(false, false), m.run("grad_state", x));
            PyTuple out = (PyTuple) m.run("forward", x, npy("multi_idx.npy"));
            assertMatches("multi_y0.npy", (Tensor) out.get(0));
        }
    }

    @Test
    void severalThreadsShareOneModel() throws Exception {
        Tensor x1 = npy("mlp_x1.npy");
        Tensor x32 = npy("mlp_x32.npy");
        float[] y1 = npy("mlp_y1.npy").toFloatArray();
        float[] y32 = npy("mlp_y32.npy").toFloatArray();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("mlp.pt"))) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        boolean big = (i + id) % 2 == 0;
                        float[] y = m.forward(big ? x32 : x1).toFloatArray();
                        Oracle.assertClose(big ? y32 : y1, y, REL, ABS, "thread " + id + " call " + i);
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
    void arraysAndNioBuffersMakeTheSameInput() throws IOException {
        Tensor x = npy("mlp_x1.npy");
        float[] data = x.toFloatArray();
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length * 4).order(ByteOrder.nativeOrder());
        direct.asFloatBuffer().put(data);
        FloatBuffer directFloats = direct.asFloatBuffer();
        ByteBuffer bigEndianHeap = ByteBuffer.allocate(data.length * 4).order(ByteOrder.BIG_ENDIAN);
        bigEndianHeap.asFloatBuffer().put(data);
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("mlp.pt"))) {
            assertMatches("mlp_y1.npy", m.forward(InputTensors.of(data, 1, 64)));
            assertMatches("mlp_y1.npy", m.forward(InputTensors.of(directFloats, 1, 64)));
            assertMatches("mlp_y1.npy", m.forward(InputTensors.of(direct, DType.FLOAT32, 1, 64)));
            assertMatches("mlp_y1.npy", m.forward(InputTensors.of(FloatBuffer.wrap(data), 1, 64)));
            assertMatches("mlp_y1.npy", m.forward(InputTensors.of(bigEndianHeap, DType.FLOAT32, 1, 64)));
            assertEquals(0, TensorArena.pinnedGlobally(), "borrowed buffers released after the call");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputTensors.of(data, 2, 64));
        assertTrue(e.getMessage().contains("128"), e.getMessage());
    }

    @Test
    void forwardBatchSplitsPerSample() throws IOException {
        Tensor x = npy("mlp_x32.npy");
        float[] all = x.toFloatArray();
        List<Tensor> samples = new ArrayList<>();
        for (int i = 0; i < 32; i++) samples.add(InputTensors.of(Arrays.copyOfRange(all, i * 64, i * 64 + 64), 64));
        float[] expected = npy("mlp_y32.npy").toFloatArray();
        try (ScriptModel m = ScriptModel.load(Oracle.inferenceFixture("mlp.pt"))) {
            List<Tensor> out = m.forwardBatch(samples);
            assertEquals(32, out.size());
            for (int i = 0; i < 32; i++) {
                assertArrayEquals(new long[] {10}, out.get(i).shape());
                Oracle.assertClose(Arrays.copyOfRange(expected, i * 10, i * 10 + 10), out.get(i).toFloatArray(), REL, ABS, "sample " + i);
            }
            assertThrows(IllegalArgumentException.class, () -> m.forwardBatch(List.of(samples.get(0), InputTensors.of(new float[3], 3))));
        }
    }

    @Test
    void threadCountsAreSettable() {
        int before = LibtorchThreads.intraOp();
        try {
            LibtorchThreads.setIntraOp(1);
            assertEquals(1, LibtorchThreads.intraOp());
            assertEquals(1, LibtorchThreads.openBlasThreads(), "OpenBLAS's own pool stays at 1");
            LibtorchThreads.setIntraOp(2);
            assertEquals(2, LibtorchThreads.intraOp());
            assertEquals(1, LibtorchThreads.openBlasThreads(), "libtorch's threads do the parallel work");
            assertThrows(IllegalArgumentException.class, () -> LibtorchThreads.setIntraOp(0));
            assertTrue(LibtorchThreads.interOp() >= 1);
        } finally {
            LibtorchThreads.setIntraOp(before);
        }
    }
}
