package dev.torch4j.libtorch;

import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TorchScript through libtorch against the outputs PyTorch computed for the same model and input. */
class ScriptModelTest {
    @BeforeAll
    static void ready() {
        Oracle.assumeReady();
    }

    static Tensor input() throws IOException {
        byte[] raw = Files.readAllBytes(Oracle.fixture("inputs.bin"));
        return new Tensor(DType.FLOAT32, new long[] {5, 4}, new long[] {4, 1}, 0,
                Storage.ofBytes("x", DType.FLOAT32, new HeapRegion(raw), ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void forwardMatchesPyTorch() throws IOException {
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"))) {
            assertFalse(m.isTraining());
            Tensor y = m.forward(input());
            assertArrayEquals(new long[] {5, 3}, y.shape());
            assertEquals(DType.FLOAT32, y.dtype());
            Oracle.assertClose(Oracle.readFloats(Oracle.fixture("expected.bin")), y.toFloatArray(), 1e-6, 0, "forward");
        }
    }

    @Test
    void namedMethodsRun() throws IOException {
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"))) {
            assertEquals(List.of("forward", "twice"), m.methodNames());
            assertTrue(m.hasMethod("twice"));
            Object y = m.run("twice", input());
            Oracle.assertClose(Oracle.readFloats(Oracle.fixture("expected_twice.bin")), ((Tensor) y).toFloatArray(), 1e-6, 0, "twice");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.run("nope", input()));
            assertTrue(e.getMessage().contains("[forward, twice]"), e.getMessage());
        }
    }

    @Test
    void parametersAndBuffersAreWhatPyTorchSaved() throws IOException {
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"))) {
            Map<String, Tensor> state = m.stateDict();
            List<String[]> rows = Oracle.tsv("state.tsv");
            assertEquals(rows.stream().map(r -> r[0]).toList(), List.copyOf(state.keySet()));
            assertEquals(6, m.parameters().size());
            assertEquals(List.of("bn.running_mean", "bn.running_var", "bn.num_batches_tracked"), List.copyOf(m.buffers().keySet()));
            for (String[] r : rows) {
                Tensor t = state.get(r[0]);
                assertEquals(DType.fromPythonName(r[1]), t.dtype(), r[0]);
                assertArrayEquals(Oracle.longs(r[2]), t.shape(), r[0]);
                assertArrayEquals(Oracle.doubles(r[3]), t.toDoubleArray(), 0.0, r[0]);
            }
        }
    }

    @Test
    void libtorchErrorsBecomeExceptionsWithItsMessage() throws IOException {
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"))) {
            ByteBuffer b = ByteBuffer.allocate(4 * 6).order(ByteOrder.LITTLE_ENDIAN);
            Tensor wrong = new Tensor(DType.FLOAT32, new long[] {2, 3}, new long[] {3, 1}, 0,
                    Storage.ofBytes("w", DType.FLOAT32, new HeapRegion(b.array()), ByteOrder.LITTLE_ENDIAN));
            LibtorchException e = assertThrows(LibtorchException.class, () -> m.forward(wrong));
            assertTrue(e.getMessage().contains("shapes cannot be multiplied"), e.getMessage());
            assertFalse(e.getMessage().contains("Exception raised from"), "C++ backtrace trimmed");
            // The model stays usable after a failed call.
            Oracle.assertClose(Oracle.readFloats(Oracle.fixture("expected.bin")), m.forward(input()).toFloatArray(), 1e-6, 0, "after error");
        }
    }

    @Test
    void nonTorchScriptFilesAreReportedAsSuch() throws IOException {
        TorchFileException e = assertThrows(TorchFileException.class, () -> ScriptModel.load(Oracle.fixture("weights.pkl")));
        assertTrue(e.getMessage().contains("weights.pkl"), e.getMessage());
        assertTrue(e.getMessage().contains("TorchScript"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ScriptModel.load(Oracle.fixture("absent.pt")));
    }

    @Test
    void closedModelRefusesCalls() throws IOException {
        ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"));
        m.close();
        m.close(); // idempotent
        assertTrue(m.isClosed());
        assertThrows(IllegalStateException.class, () -> m.forward(input()));
    }

    @Test
    void borrowedInputsGiveTheSameResult() throws IOException {
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt")).borrowInputs(true)) {
            Oracle.assertClose(Oracle.readFloats(Oracle.fixture("expected.bin")), m.forward(input()).toFloatArray(), 1e-6, 0, "borrowed");
        }
    }
}
