package dev.torch4j.libtorch.lite;

import dev.torch4j.libtorch.LibtorchBackend;
import dev.torch4j.libtorch.OracleAccess;
import dev.torch4j.numpy.NpyFile;
import dev.torch4j.spi.BackendUnavailableException;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Tensors;
import dev.torch4j.testing.ReferencePython;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Android-style API against PyTorch 1.13's lite interpreter: gen_lite_fixtures.py saves .ptl files with
 * _save_for_lite_interpreter and records what _load_for_lite_interpreter returns on fixed inputs; the same
 * files through {@link LiteModuleLoader} give the same values (allclose 1e-5), and the two kinds this libtorch
 * cannot run (XNNPACK prepacked contexts, flatbuffer bytecode) are refused with one message.
 */
class LiteModuleTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-5;
    private static Path dir;

    @BeforeAll
    static void generate() throws IOException {
        Assumptions.assumeTrue(LibtorchBackend.isAvailable(), () -> "libtorch unavailable: " + LibtorchBackend.probe().reason());
        ReferencePython.require();
        dir = OracleAccess.tempDir();
        ReferencePython.runScript(OracleAccess.script("gen_lite_fixtures.py"), dir.toString());
    }

    private static String ptl(String name) {
        return dir.resolve(name).toString();
    }

    private static Tensor npy(String name) throws IOException {
        return NpyFile.read(dir.resolve(name));
    }

    @Test
    void cnnForwardGivesTheLiteInterpretersOutput() throws IOException {
        float[] pixels = npy("cnn_x.npy").toFloatArray();
        try (LiteModule module = LiteModuleLoader.load(ptl("cnn.ptl"))) {
            // As on Android: Tensor.fromBlob(pixels, shape) -> forward -> getDataAsFloatArray.
            Tensor input = Tensors.of(pixels, 1, 3, 8, 8);
            IValue out = module.forward(IValue.from(input));
            assertTrue(out.isTensor(), out.toString());
            assertMatches("cnn_y.npy", out.toTensor());
        }
    }

    @Test
    void tupleResultsKeepTheirOrderAndKinds() throws IOException {
        try (LiteModule module = LiteModuleLoader.load(ptl("tuple.ptl"))) {
            IValue[] items = module.forward(IValue.from(npy("tuple_x.npy"))).toTuple();
            assertEquals(3, items.length);
            assertMatches("tuple_y0.npy", items[0].toTensor());
            assertMatches("tuple_y1.npy", items[1].toTensor());
            assertTrue(items[2].isLong(), items[2].toString());
            assertEquals(npy("tuple_y2.npy").toLongArray()[0], items[2].toLong());
            IllegalStateException wrong = assertThrows(IllegalStateException.class, () -> items[2].toTensor());
            assertEquals("this IValue is an int, not a tensor", wrong.getMessage());
        }
    }

    @Test
    void exportedMethodsRunByName() throws IOException {
        Tensor x = npy("methods_x.npy");
        LiteModule module = LiteModuleLoader.load(ptl("methods.ptl"));
        try {
            assertEquals(Files.readAllLines(dir.resolve("methods_names.txt")), module.methodNames());
            assertTrue(module.hasMethod("scale"));
            assertFalse(module.hasMethod("missing"));
            assertMatches("methods_forward.npy", module.forward(IValue.from(x)).toTensor());
            assertMatches("methods_scale.npy",
                    module.runMethod("scale", IValue.from(x), IValue.from(0.5), IValue.from(3L)).toTensor());
            Tensor[] parts = module.runMethod("parts", IValue.from(x)).toTensorList();
            assertEquals(2, parts.length);
            assertMatches("methods_parts0.npy", parts[0]);
            assertMatches("methods_parts1.npy", parts[1]);
            Map<String, IValue> sizes = module.runMethod("sizes", IValue.from(x)).toDictStringKey();
            List<String> rows = new ArrayList<>();
            sizes.forEach((k, v) -> rows.add(k + "\t" + v.toLong()));
            assertEquals(Files.readAllLines(dir.resolve("methods_sizes.tsv")), rows);
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> module.runMethod("missing", IValue.from(x)));
            assertTrue(unknown.getMessage().contains("has no method 'missing'"), unknown.getMessage());
        } finally {
            module.destroy();
        }
        assertThrows(IllegalStateException.class, () -> module.forward(IValue.from(x)));
    }

    @Test
    void int64InputsAndOutputs() throws IOException {
        Tensor idx = npy("int64_idx.npy");
        try (LiteModule module = LiteModuleLoader.load(ptl("int64.ptl"))) {
            IValue[] out = module.forward(IValue.from(Tensors.of(idx.toLongArray(), 2, 3))).toTuple();
            assertMatches("int64_y0.npy", out[0].toTensor());
            Tensor ids = out[1].toTensor();
            assertEquals(DType.INT64, ids.dtype());
            assertArrayEquals(npy("int64_y1.npy").shape(), ids.shape());
            assertArrayEquals(npy("int64_y1.npy").toLongArray(), ids.toLongArray());
        }
    }

    /** PyTorch's lite interpreter runs both files (the generator checked); this libtorch cannot, and says why. */
    @Test
    void xnnpackPrepackedFilesNameWhatIsMissing() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> LiteModuleLoader.load(ptl("xnnpack.ptl")));
        assertTrue(e.getMessage().startsWith(ptl("xnnpack.ptl") + ": uses XNNPACK prepacked ops (torch.classes.xnnpack."),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void bytecodeOnlyFilesSayTheLiteInterpreterIsMissing() throws IOException {
        assertTrue(LiteModuleLoader.holdsOnlyBytecode(dir.resolve("flatbuffer.ptl")));
        assertFalse(LiteModuleLoader.holdsOnlyBytecode(dir.resolve("cnn.ptl")));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> LiteModuleLoader.load(ptl("flatbuffer.ptl")));
        assertEquals(ptl("flatbuffer.ptl") + ": holds only lite-interpreter bytecode; this libtorch build (JavaCPP presets)"
                + " has no lite interpreter (_load_for_mobile): convert it with torch4j backport " + ptl("flatbuffer.ptl")
                + " OUT.ptl --to 8 (a zip .ptl that runs here), or run the TorchScript .pt it was exported from", e.getMessage());
    }

    @Test
    void missingFilesAndUnsupportedArguments() throws IOException {
        assertThrows(NoSuchFileException.class, () -> LiteModuleLoader.load(ptl("absent.ptl")));
        try (LiteModule module = LiteModuleLoader.load(ptl("tuple.ptl"))) {
            IValue tuple = module.forward(IValue.from(npy("tuple_x.npy")));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> module.forward(tuple));
            assertTrue(e.getMessage().startsWith("argument 0 is a tuple"), e.getMessage());
            assertEquals(dir.resolve("tuple.ptl"), module.scriptModel().path());
        }
    }

    /** numpy.allclose(actual, expected, rtol, atol) with the expected dtype and shape. */
    private static void assertMatches(String expectedNpy, Tensor actual) throws IOException {
        Tensor expected = npy(expectedNpy);
        assertEquals(expected.dtype(), actual.dtype(), expectedNpy);
        assertArrayEquals(expected.shape(), actual.shape(), expectedNpy);
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Math.abs(a[i] - e[i]) > ATOL + RTOL * Math.abs(e[i])) {
                throw new AssertionError(expectedNpy + "[" + i + "]: expected " + e[i] + " got " + a[i]);
            }
        }
    }
}
