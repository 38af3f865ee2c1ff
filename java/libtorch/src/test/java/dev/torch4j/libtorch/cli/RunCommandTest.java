package dev.torch4j.libtorch.cli;

import dev.torch4j.json.Json;
import dev.torch4j.libtorch.OracleAccess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code torch4j run} end to end: numpy inputs in, numpy outputs out, checked by numpy against PyTorch's. */
class RunCommandTest {
    record Run(int exit, String out, String err) {}

    static final Path PYTHON = Path.of("/usr/bin/python3");

    @BeforeAll
    static void ready() {
        OracleAccess.assumeReady();
    }

    static Run run(String... args) {
        return run(new RunCommand(), args);
    }

    static Run run(RunCommand command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = dev.torch4j.cli.api.ErrorHandler.install(new CommandLine(command), false).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String fx(String name) throws IOException {
        return OracleAccess.inferenceFixture(name).toString();
    }

    /** numpy loads {@code actual} and compares it with {@code expected} (written by PyTorch) within 1e-5. */
    static void assertNumpyClose(Path actual, String expected) throws Exception {
        String code = "import numpy as np, sys\n"
                + "a = np.load(sys.argv[1]); e = np.load(sys.argv[2])\n"
                + "ok = a.dtype == e.dtype and a.shape == e.shape and (np.allclose(a, e, rtol=1e-5, atol=1e-5) if a.dtype.kind == 'f' else (a == e).all())\n"
                + "print(a.dtype, a.shape, e.dtype, e.shape); sys.exit(0 if ok else 1)\n";
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", code, actual.toString(), expected)
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "numpy comparison of " + actual + " with " + expected + ": " + log);
    }

    @Test
    void writesOutputsNumpyReads() throws Exception {
        Path dir = OracleAccess.tempDir();
        Path out = dir.resolve("y.npy");
        Run r = run(fx("cnn.pt"), "--input", fx("cnn_x32.npy"), "--output", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("output 0  float32 [32, 10] -> " + out), r.out());
        assertNumpyClose(out, fx("cnn_y32.npy"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("y.npy"), files.map(p -> p.getFileName().toString()).toList(), "no temporary files left");
        }
    }

    @Test
    void frozenRunMatchesPyTorchAndSaysSo() throws Exception {
        Path dir = OracleAccess.tempDir();
        Path out = dir.resolve("y.npy");
        Run r = run(fx("cnn.pt"), "--input", fx("cnn_x32.npy"), "--output", out.toString(), "--freeze", "--json");
        assertEquals(0, r.exit(), r.err());
        assertNumpyClose(out, fx("cnn_y32.npy"));
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) Json.parse(r.out());
        assertEquals(Boolean.TRUE, o.get("frozen"), r.out());
        Run text = run(fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "--freeze");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("frozen for inference"), text.out());
        Run plain = run(fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "--json");
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) Json.parse(plain.out());
        assertEquals(Boolean.FALSE, p.get("frozen"), plain.out());
    }

    @Test
    void severalInputsAndOutputs() throws Exception {
        Path dir = OracleAccess.tempDir();
        List<String> args = new ArrayList<>(List.of(fx("multi.pt"), "--input", fx("multi_x.npy"), "--input", fx("multi_idx.npy")));
        for (int i = 0; i < 3; i++) args.addAll(List.of("--output", dir.resolve("y" + i + ".npy").toString()));
        Run r = run(args.toArray(new String[0]));
        assertEquals(0, r.exit(), r.err());
        for (int i = 0; i < 3; i++) assertNumpyClose(dir.resolve("y" + i + ".npy"), fx("multi_y" + i + ".npy"));
        Run tooMany = run(fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "-o", dir.resolve("a.npy").toString(), "-o", dir.resolve("b.npy").toString());
        assertEquals(1, tooMany.exit());
        assertTrue(tooMany.err().contains("2 --output files given, but forward returned 1 tensor(s)"), tooMany.err());
    }

    @Test
    void benchmarkJsonHasTheDocumentedShape() throws IOException {
        Run r = run(fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "--benchmark", "--warmup", "3", "--iters", "20",
                "--threads", "1", "--json");
        assertEquals(0, r.exit(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) Json.parse(r.out());
        for (String key : List.of("load_ms", "first_ms", "latency_ms", "iters", "threads", "libtorch")) {
            assertTrue(o.containsKey(key), key + " in " + r.out());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> lat = (Map<String, Object>) o.get("latency_ms");
        double min = ((Number) lat.get("min")).doubleValue();
        double p10 = ((Number) lat.get("p10")).doubleValue();
        double median = ((Number) lat.get("median")).doubleValue();
        double p90 = ((Number) lat.get("p90")).doubleValue();
        assertTrue(min > 0 && min <= p10 && p10 <= median && median <= p90, lat.toString());
        assertEquals(20L, ((Number) o.get("iters")).longValue());
        assertEquals(1L, ((Number) o.get("threads")).longValue());
        assertEquals(1L, ((Number) o.get("openblas_threads")).longValue(), "--threads sizes OpenBLAS's pool too");
        assertTrue(((Number) o.get("load_ms")).doubleValue() > 0);
        assertTrue(String.valueOf(o.get("libtorch")).matches("\\d+\\.\\d+.*"), r.out());
    }

    @Test
    void exportedPtlRunsOrSaysTheLiteInterpreterIsMissing() throws Exception {
        Path dir = Files.createTempDirectory("run-ptl");
        Path ptl = dir.resolve("mlp.ptl");
        try (dev.torch4j.libtorch.ScriptModel m = dev.torch4j.libtorch.ScriptModel.load(Path.of(fx("mlp.pt")))) {
            dev.torch4j.libtorch.MobileExporter.export(m, ptl, dev.torch4j.libtorch.MobileExporter.Options.DEFAULT);
        }
        Path out = dir.resolve("y.npy");
        Run r = run(ptl.toString(), "--input", fx("mlp_x1.npy"), "--output", out.toString());
        if (dev.torch4j.libtorch.lite.LiteModuleLoader.holdsOnlyBytecode(ptl)) {
            assertEquals(3, r.exit(), r.err());
            assertTrue(r.err().contains("lite interpreter") && r.err().contains(ptl.toString()), r.err());
        } else {
            assertEquals(0, r.exit(), r.err());
            assertNumpyClose(out, fx("mlp_y1.npy"));
        }
    }

    @Test
    void textBenchmarkReport() throws IOException {
        Run r = run(fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "--benchmark", "--warmup", "1", "--iters", "5");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("latency   median"), r.out());
        assertTrue(r.out().contains("(5 iterations after 1 warm-up)"), r.out());
    }

    @Test
    void badInputsAreUsageErrors() throws IOException {
        Path dir = OracleAccess.tempDir();
        Run missingModel = run(dir.resolve("absent.pt").toString(), "--input", fx("mlp_x1.npy"));
        assertEquals(2, missingModel.exit());
        assertTrue(missingModel.err().contains("absent.pt"), missingModel.err());

        Path bad = dir.resolve("bad.npy");
        Files.write(bad, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 200, 0, '{'});
        Run badNpy = run(fx("mlp.pt"), "--input", bad.toString());
        assertEquals(2, badNpy.exit());
        assertTrue(badNpy.err().contains(bad.toString()), badNpy.err());
        assertFalse(badNpy.err().contains("Exception"), "no Java class names: " + badNpy.err());

        Run missingInput = run(fx("mlp.pt"), "--input", dir.resolve("none.npy").toString());
        assertEquals(2, missingInput.exit());
        assertTrue(missingInput.err().contains("none.npy"), missingInput.err());

        Run notTorchScript = run(fx("mlp_x1.npy"), "--input", fx("mlp_x1.npy"));
        assertEquals(2, notTorchScript.exit(), notTorchScript.err());
        assertTrue(notTorchScript.err().contains("TorchScript"), notTorchScript.err());

        Run noMethod = run(fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "--method", "nope");
        assertEquals(2, noMethod.exit());
        assertTrue(noMethod.err().contains("no method 'nope'"), noMethod.err());

        assertEquals(2, run(fx("mlp.pt"), "--iters", "0").exit());
        assertEquals(2, run(fx("mlp.pt"), "--bogus").exit());
    }

    @Test
    void wrongShapeIsAModelFailure() throws IOException {
        Run r = run(fx("mlp.pt"), "--input", fx("cnn_x1.npy"));
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("torch4j: " + fx("mlp.pt") + ": input 0 has shape ["), r.err());
        assertTrue(r.err().contains("the model needs"), r.err());
        assertEquals(1, r.err().lines().count(), "one line, the traceback only under --debug: " + r.err());
    }

    @Test
    void outputsAreRefusedBeforeAnyWork() throws IOException {
        Path dir = OracleAccess.tempDir();
        Path existing = Files.writeString(dir.resolve("existing.npy"), "keep");
        Run refused = run(fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "-o", existing.toString());
        assertEquals(2, refused.exit(), refused.err());
        assertEquals("torch4j: " + existing + ": already exists (use --force to replace it)", refused.err().strip());
        assertEquals("keep", Files.readString(existing));
        Run forced = run(fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "-o", existing.toString(), "--force");
        assertEquals(0, forced.exit(), forced.err());

        Path inMissingFolder = dir.resolve("no-such-folder").resolve("y.npy");
        Run missingFolder = run(fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "-o", inMissingFolder.toString());
        assertEquals(2, missingFolder.exit(), missingFolder.err());
        assertTrue(missingFolder.err().startsWith("torch4j: " + inMissingFolder + ": its folder "), missingFolder.err());
    }

    @Test
    void aStateDictIsNamedAsSuch() throws IOException {
        Path stateDict = dev.torch4j.testing.Fixtures.file("zip/mlp_state_dict.pt");
        Run r = run(stateDict.toString(), "--input", fx("mlp_x1.npy"));
        assertEquals(2, r.exit(), r.err());
        assertEquals("torch4j: " + stateDict + ": a zip state dict, not a TorchScript archive: see inspect/convert", r.err().strip());
    }

    /** optimize_for_mobile's XNNPACK prepacked ops: the bundled libtorch has none, and says so (exit 3). */
    @Test
    void optimizedForMobileFileNamesTheMissingXnnpack() throws Exception {
        Path dir = OracleAccess.tempDir();
        Path ptl = dir.resolve("optimized.ptl");
        String code = "import sys, torch\n"
                + "from torch.utils.mobile_optimizer import optimize_for_mobile\n"
                + "m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU()).eval()\n"
                + "optimize_for_mobile(torch.jit.script(m))._save_for_lite_interpreter(sys.argv[1])\n";
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", code, ptl.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        Path out = dir.resolve("never.npy");
        Run r = run(ptl.toString(), "--input", fx("cnn_x1.npy"), "--output", out.toString());
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().startsWith("torch4j: " + ptl + ": uses XNNPACK prepacked ops (torch.classes.xnnpack."), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(out));
    }

    /** A flatbuffer .ptl (bytecode only, which PyTorch's lite interpreter runs): exit 3 naming the missing interpreter. */
    @Test
    void flatbufferPtlNamesTheMissingLiteInterpreter() throws Exception {
        Path dir = OracleAccess.tempDir();
        Path ptl = dir.resolve("flat.ptl");
        String code = "import sys, torch\n"
                + "m = torch.jit.script(torch.nn.Sequential(torch.nn.Linear(64, 3)).eval())\n"
                + "m._save_for_lite_interpreter(sys.argv[1], _use_flatbuffer=True)\n"
                + "from torch.jit.mobile import _load_for_lite_interpreter\n"
                + "_load_for_lite_interpreter(sys.argv[1])(torch.ones(1, 64))\n";
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", code, ptl.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        Path out = dir.resolve("never.npy");
        Run r = run(ptl.toString(), "--input", fx("mlp_x1.npy"), "--output", out.toString());
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().startsWith("torch4j: " + ptl + ": holds only lite-interpreter bytecode;"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void missingLibtorchExitsThree() throws IOException {
        Path out = OracleAccess.tempDir().resolve("never.npy");
        RunCommand c = new RunCommand();
        c.backendUnavailable = () -> "JavaCPP pytorch presets not on the class path (simulated)";
        Run r = run(c, fx("mlp.pt"), "--input", fx("mlp_x1.npy"), "--output", out.toString());
        assertEquals(3, r.exit());
        assertTrue(r.err().contains("libtorch is not available"), r.err());
        assertFalse(Files.exists(out));
    }
}
