package dev.torch4j.executorch;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.json.Json;
import dev.torch4j.scan.Finding;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Severity;
import dev.torch4j.scan.Verdict;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.testing.ReferencePython;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flatbuffer mobile files ({@code _use_flatbuffer=True}, bytecode v9) written by PyTorch 1.13
 * (gen_flatbuffer_mobile.py, which also loads each back with PyTorch's lite interpreter): every tensor
 * equals the module's {@code state_dict()} as numpy gives its bytes, and the file lists what the zip
 * {@code .ptl} of the same module lists.
 */
class MobileFlatbufferFileTest {
    private static final List<String> MODELS = List.of("cnn", "buffers", "shared", "methods", "attrs");

    @TempDir static Path dir;

    @BeforeAll
    static void generate() {
        ReferencePython.require();
        ReferencePython.runScript(Paths.get("src/test/python/gen_flatbuffer_mobile.py").toAbsolutePath(), dir.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> expected(String model) throws Exception {
        return (Map<String, Object>) Json.parse(Files.readString(dir.resolve(model + ".json")));
    }

    private static long[] longs(Object list) {
        return ((List<?>) list).stream().mapToLong(o -> ((Number) o).longValue()).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn", "buffers", "shared", "methods", "attrs"})
    @SuppressWarnings("unchecked")
    void tensorsEqualTheStateDictBitForBit(String model) throws Exception {
        Map<String, Object> want = expected(model);
        Map<String, Object> wantTensors = (Map<String, Object>) want.get("tensors");
        try (Checkpoint cp = Torch.open(dir.resolve(model + ".ff.ptl"))) {
            assertEquals(Format.MOBILE, cp.format());
            assertEquals(((Number) want.get("bytecode_version")).longValue(), ((Number) cp.metadata().get("mobile.bytecode_version")).longValue());
            assertEquals(9L, ((Number) cp.metadata().get("mobile.bytecode_version")).longValue());
            Map<String, Tensor> got = cp.tensors();
            assertEquals(new java.util.TreeSet<>(wantTensors.keySet()), new java.util.TreeSet<>(got.keySet()));
            for (Map.Entry<String, Object> e : wantTensors.entrySet()) {
                Map<String, Object> t = (Map<String, Object>) e.getValue();
                Tensor tensor = got.get(e.getKey());
                assertEquals(t.get("dtype"), tensor.dtype().pythonName(), e.getKey());
                assertArrayEquals(longs(t.get("shape")), tensor.shape(), e.getKey());
                assertEquals(t.get("hex"), HexFormat.of().formatHex(tensor.toByteArray()), e.getKey());
            }
            List<String> methods = new ArrayList<>();
            for (Object m : (List<Object>) cp.metadata().get("mobile.methods")) {
                String q = (String) m;
                methods.add(q.substring(q.lastIndexOf('.') + 1));
            }
            methods.sort(null);
            assertEquals(want.get("methods"), methods);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn", "buffers", "shared", "methods", "attrs"})
    void listsWhatItsZipTwinLists(String model) throws Exception {
        try (Checkpoint ff = Torch.open(dir.resolve(model + ".ff.ptl"));
             Checkpoint zip = Torch.open(dir.resolve(model + ".zip.ptl"))) {
            assertEquals(describe(zip.tensors()), describe(ff.tensors()));
            for (String key : List.of("mobile.methods", "mobile.operators", "format")) {
                assertEquals(zip.metadata().get(key), ff.metadata().get(key), key);
            }
        }
    }

    /** Tensor names in order, with dtype, shape and the hash of their values. */
    private static Map<String, String> describe(Map<String, Tensor> tensors) {
        Map<String, String> out = new LinkedHashMap<>();
        tensors.forEach((k, t) -> out.put(k, t.dtype().pythonName() + Arrays.toString(t.shape()) + " " + t.sha256()));
        return out;
    }

    @Test
    void sharedParametersShareOneStorage() throws Exception {
        try (Checkpoint cp = Torch.open(dir.resolve("shared.ff.ptl"))) {
            assertSame(cp.tensors().get("a.weight").storage(), cp.tensors().get("b.weight").storage());
            assertEquals(3, ((Number) cp.metadata().get("mobile.storages")).intValue());
        }
    }

    @Test
    void scanRatesOperatorsClassesAndSourcesWithoutPickles() throws Exception {
        for (String model : MODELS) {
            ScanResult r = ModelScanner.scan(dir.resolve(model + ".ff.ptl"));
            assertEquals(Verdict.CLEAN, r.verdict(), r.toString());
        }
        // XNNPACK's packed contexts are libtorch's own custom classes, passed as in a zip .ptl.
        ScanResult xnnpack = ModelScanner.scan(dir.resolve("xnnpack.ff.ptl"));
        assertEquals(Verdict.CLEAN, xnnpack.verdict(), xnnpack.toString());
        ScanResult custom = ModelScanner.scan("custom.ptl", replaced(Files.readAllBytes(dir.resolve("xnnpack.ff.ptl")),
                "classes.xnnpack.Conv2dOpContext", "classes.evilpak.Conv2dOpContext"));
        assertTrue(custom.findings().stream().anyMatch(f -> f.global().equals("__torch__.torch.classes.evilpak.Conv2dOpContext")
                && f.severity() == Severity.UNKNOWN), custom.toString());
        byte[] good = Files.readAllBytes(dir.resolve("shared.ff.ptl"));
        // A custom operator (unknown namespace) in place of aten::linear: reported, not clean.
        ScanResult op = ModelScanner.scan("op.ptl", replaced(good, "aten::linear", "evil::linear"));
        assertEquals(Verdict.UNKNOWN, op.verdict(), op.toString());
        assertTrue(op.findings().stream().anyMatch(f -> f.global().equals("evil::linear") && f.severity() == Severity.UNKNOWN), op.toString());
        // An object class outside __torch__: default-deny.
        ScanResult cls = ModelScanner.scan("cls.ptl", replaced(good, "__torch__.Shared", "subprocess.Share"));
        assertTrue(cls.findings().stream().map(Finding::global).anyMatch("subprocess.Share"::equals), cls.toString());
        assertTrue(cls.verdict() != Verdict.CLEAN, cls.toString());
        // A dangerous call in a kept TorchScript source.
        byte[] sources = replaced(Files.readAllBytes(dir.resolve("methods.ff.ptl")), "torch.linear(", "torch.save  (");
        ScanResult src = ModelScanner.scan("src.ptl", sources);
        assertTrue(src.findings().stream().anyMatch(f -> f.severity() == Severity.DANGEROUS
                && f.entry() != null && f.entry().startsWith("jit_sources/")), src.toString());
        assertEquals(Verdict.DANGEROUS, src.verdict(), src.toString());
    }

    private static byte[] replaced(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        assertEquals(f.length, t.length);
        byte[] out = bytes.clone();
        int n = 0;
        for (int i = 0; i + f.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
                n++;
            }
        }
        assertTrue(n > 0, from + " not in the file");
        return out;
    }

    @Test
    void truncatedAndCorruptFilesFailCleanlyWithinBoundedTime(@TempDir Path tmp) throws Exception {
        byte[] good = Files.readAllBytes(dir.resolve("cnn.ff.ptl"));
        Path cut = tmp.resolve("cut.ptl");
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        TorchFileException ex = assertThrows(TorchFileException.class, () -> Torch.open(cut).close());
        assertTrue(ex.getMessage().startsWith(cut + " at byte "), ex.getMessage());
        assertTrue(ex.offset() >= 0, ex.getMessage());
        Random rnd = new Random(9);
        long start = System.nanoTime();
        Path f = tmp.resolve("fuzz.ptl");
        int failed = 0;
        for (int i = 0; i < 400; i++) {
            byte[] b;
            if (i % 4 == 0) {
                b = Arrays.copyOf(good, 8 + rnd.nextInt(good.length - 8));
            } else {
                b = good.clone();
                for (int k = 0; k < 1 + i % 6; k++) b[8 + rnd.nextInt(b.length - 8)] = (byte) rnd.nextInt(256);
            }
            Files.write(f, b);
            try (Checkpoint cp = Torch.open(f)) {
                for (Tensor t : cp.tensors().values()) assertNotNull(t.sha256());
            } catch (TorchFileException expected) {
                failed++;
                assertTrue(expected.getMessage().contains(f.toString()), expected.getMessage());
            }
            ScanResult r = ModelScanner.scan(f);
            assertNotNull(r.verdict());
        }
        assertTrue(failed > 100, "only " + failed + " of 400 damaged files were refused");
        assertTrue(System.nanoTime() - start < 90_000_000_000L, "fuzzing took too long");
    }
}
