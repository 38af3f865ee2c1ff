package dev.torch4j.libtorch;

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
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files written through libtorch, run by reference PyTorch 1.13 (lite interpreter and torch.jit.load). */
class MobileExportTest {
    /**
     * Frozen graphs fold BatchNorm into the linear layers, which reorders float32 arithmetic:
     * results agree with eager PyTorch to float32 rounding, not bit for bit.
     */
    static final double FROZEN_REL = 1e-5;
    static final double FROZEN_ABS = 1e-6;

    @BeforeAll
    static void ready() {
        Oracle.assumeReady();
    }

    static void assertTrainedOutputs(Map<String, float[]> outputs, double rel, double abs) throws IOException {
        Oracle.assertClose(Oracle.readFloats(Oracle.fixture("expected.bin")), outputs.get("forward"), rel, abs, "forward");
        if (outputs.containsKey("twice")) {
            Oracle.assertClose(Oracle.readFloats(Oracle.fixture("expected_twice.bin")), outputs.get("twice"), rel, abs, "twice");
        }
    }

    @Test
    void frozenPtlRunsInTheLiteInterpreter() throws IOException {
        Path out = Oracle.tempDir().resolve("model.ptl");
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"))) {
            MobileExporter.Result r = MobileExporter.export(m, out, MobileExporter.Options.DEFAULT);
            assertTrue(r.frozen());
            assertEquals(List.of("forward", "twice"), r.methods());
            assertEquals(Files.size(out), r.bytes());
            assertTrue(r.bytecodeVersion() > 0);
            // The model itself is unchanged and still runs (freezing worked on a clone).
            Oracle.assertClose(Oracle.readFloats(Oracle.fixture("expected.bin")),
                    m.forward(ScriptModelTest.input()).toFloatArray(), 1e-6, 0, "source model after export");
        }
        assertTrainedOutputs(Oracle.runExported("lite", out, "forward", "twice"), FROZEN_REL, FROZEN_ABS);
    }

    @Test
    void unfrozenPtlAndPtGiveTheSameOutputs() throws IOException {
        Path dir = Oracle.tempDir();
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"))) {
            MobileExporter.export(m, dir.resolve("plain.ptl"), new MobileExporter.Options(MobileExporter.Target.PTL, false));
            MobileExporter.export(m, dir.resolve("frozen.pt"), new MobileExporter.Options(MobileExporter.Target.PT, true));
        }
        assertTrainedOutputs(Oracle.runExported("lite", dir.resolve("plain.ptl"), "forward", "twice"), 1e-6, 0);
        assertTrainedOutputs(Oracle.runExported("jit", dir.resolve("frozen.pt"), "forward", "twice"), FROZEN_REL, FROZEN_ABS);
    }

    @Test
    void weightsLoadedIntoAnotherInitialisationGiveTheTrainedModel() throws IOException {
        Path out = Oracle.tempDir().resolve("arch.ptl");
        try (ScriptModel trained = ScriptModel.load(Oracle.fixture("model.pt"));
             ScriptModel arch = ScriptModel.load(Oracle.fixture("arch.pt"))) {
            float[] expected = Oracle.readFloats(Oracle.fixture("expected.bin"));
            float[] before = arch.forward(ScriptModelTest.input()).toFloatArray();
            assertThrows(AssertionError.class, () -> Oracle.assertClose(expected, before, 1e-3, 1e-3, "random init"),
                    "the architecture's own initialisation must differ, or this test proves nothing");
            MatchReport r = new WeightLoader(null, true).load(arch, trained.stateDict(), "model.pt");
            assertEquals(9, r.matched().size());
            assertTrue(r.missing().isEmpty() && r.unexpected().isEmpty() && r.dtypeCasts().isEmpty(), r.describe());
            Oracle.assertClose(expected, arch.forward(ScriptModelTest.input()).toFloatArray(), 1e-6, 0, "after loading");
            MobileExporter.export(arch, out, MobileExporter.Options.DEFAULT);
        }
        assertTrainedOutputs(Oracle.runExported("lite", out, "forward", "twice"), FROZEN_REL, FROZEN_ABS);
    }

    /** The state PyTorch reported (state.tsv), rebuilt as float64 / int64 heap tensors under a prefix. */
    static Map<String, Tensor> stateAsFloat64(String prefix) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String[] r : Oracle.tsv("state.tsv")) {
            long[] shape = Oracle.longs(r[2]);
            double[] values = Oracle.doubles(r[3]);
            boolean integral = r[1].equals("int64");
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                if (integral) b.putLong((long) v);
                else b.putDouble(v);
            }
            DType d = integral ? DType.INT64 : DType.FLOAT64;
            Storage s = Storage.ofBytes(r[0], d, new HeapRegion(b.array()), ByteOrder.LITTLE_ENDIAN);
            out.put(prefix + r[0], new Tensor(d, shape, Tensor.contiguousStrides(shape), 0, s));
        }
        return out;
    }

    @Test
    void float64WeightsAreCastAndPrefixesStripped() throws IOException {
        try (ScriptModel arch = ScriptModel.load(Oracle.fixture("arch.pt"))) {
            Map<String, Tensor> weights = stateAsFloat64("model.");
            StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                    () -> new WeightLoader(null, true).load(arch, weights, "ckpt"));
            assertEquals(9, e.report().missing().size());
            assertEquals(9, e.report().unexpected().size());
            assertTrue(e.report().hint().startsWith("--strip-prefix model. "), e.report().hint());

            MatchReport r = new WeightLoader("model.", true).load(arch, weights, "ckpt");
            assertEquals(8, r.dtypeCasts().size(), r.describe()); // every float tensor; num_batches_tracked is int64 already
            Oracle.assertClose(Oracle.readFloats(Oracle.fixture("expected.bin")),
                    arch.forward(ScriptModelTest.input()).toFloatArray(), 1e-6, 0, "float64 weights cast to float32");
        }
    }

    @Test
    void strictnessFollowsLoadStateDict() throws IOException {
        try (ScriptModel arch = ScriptModel.load(Oracle.fixture("arch.pt"))) {
            Map<String, Tensor> weights = stateAsFloat64("");
            weights.remove("bn.running_var");
            weights.put("extra.weight", weights.get("l1.bias"));
            Map<String, Tensor> before = arch.stateDict();

            StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                    () -> new WeightLoader(null, true).load(arch, weights, "partial"));
            assertEquals(List.of("bn.running_var"), e.report().missing());
            assertEquals(List.of("extra.weight"), e.report().unexpected());
            assertTrue(e.getMessage().contains("missing keys (1):\n  bn.running_var"), e.getMessage());
            assertArraysUnchanged(before, arch.stateDict());

            MatchReport r = new WeightLoader(null, false).load(arch, weights, "partial");
            assertEquals(8, r.matched().size());
            Map<String, Tensor> after = arch.stateDict();
            assertEquals(before.get("bn.running_var").sha256(), after.get("bn.running_var").sha256(), "missing key kept its value");
            assertEquals(weights.get("l1.weight").contiguous().toFloatArray().length, after.get("l1.weight").toFloatArray().length);
            assertTrue(!before.get("l1.weight").sha256().equals(after.get("l1.weight").sha256()), "matched keys were loaded");

            Map<String, Tensor> badShape = stateAsFloat64("");
            badShape.put("l2.weight", badShape.get("l1.weight")); // [8, 4] where [3, 8] belongs
            StateDictMismatchException s = assertThrows(StateDictMismatchException.class,
                    () -> new WeightLoader(null, false).load(arch, badShape, "bad"));
            assertEquals(List.of("l2.weight: weights [8, 4] vs module [3, 8]"), s.report().shapeMismatches());
        }
    }

    private static void assertArraysUnchanged(Map<String, Tensor> before, Map<String, Tensor> after) {
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) {
            assertEquals(before.get(k).sha256(), after.get(k).sha256(), k + " untouched by a refused load");
        }
    }

    @Test
    void exportDoesNotLeaveHalfWrittenFiles() throws IOException {
        Path dir = Oracle.tempDir();
        Path out = dir.resolve("nowhere").resolve("x.ptl");
        Files.createDirectories(out.getParent());
        Files.writeString(out.getParent().resolve("keep.txt"), "x");
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"))) {
            MobileExporter.export(m, out, MobileExporter.Options.DEFAULT);
        }
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of("keep.txt", "x.ptl"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertFalse(Files.size(out) == 0);
    }

    /**
     * Two exports of one model, by two runs of the command at different times into different
     * folders, give the same bytes (issue 13). Separate processes, as users run it: within one
     * process libtorch numbers the classes it creates when freezing (___torch_mangle_N), so a
     * second freeze in the same process names them differently.
     */
    @Test
    void exportsAreReproducibleAndHonourTheUmask() throws Exception {
        Path dir = Oracle.tempDir();
        Path a = Files.createDirectories(dir.resolve("repro-a")).resolve("model.ptl");
        Path b = Files.createDirectories(dir.resolve("repro-b")).resolve("model.ptl");
        exportInChildJvm(a);
        Thread.sleep(2100); // zip timestamps have a two-second resolution
        exportInChildJvm(b);
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"))) {
            java.io.IOException exists = assertThrows(java.io.IOException.class,
                    () -> MobileExporter.export(m, b, MobileExporter.Options.DEFAULT, false));
            assertEquals(b + ": already exists", exists.getMessage());
        }
        Path probe = Files.createFile(dir.resolve("repro-a").resolve("probe"));
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(a), "created like any new file");
        // The archive's root folder is the output's stem, not a temporary name.
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(a.toFile())) {
            assertTrue(z.stream().allMatch(e -> e.getName().startsWith("model/")), "entries under model/");
        }
    }

    private static void exportInChildJvm(Path out) throws Exception {
        String javaCmd = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaCmd, "-cp", System.getProperty("java.class.path"),
                "dev.torch4j.cli.Main", "export-mobile", Oracle.fixture("model.pt").toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
    }
}
