package dev.torch4j.libtorch.cli;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code export-mobile} end to end: weights read by torch4j from files PyTorch wrote (.pkl state_dict,
 * Lightning-like .ckpt) go into an architecture with another random init; the .ptl must give the
 * trained model's outputs in PyTorch 1.13's lite interpreter.
 */
class ExportMobileCommandTest {
    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void ready() {
        OracleAccess.assumeReady();
    }

    static Run run(String... args) {
        return run(new ExportMobileCommand(), args);
    }

    static Run run(ExportMobileCommand command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = dev.torch4j.cli.api.ErrorHandler.install(new CommandLine(command), false)
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The version torch4j's own (pure Java) reader finds in the written file. */
    static int bytecodeVersion(Path ptl) throws IOException {
        try (Checkpoint c = Torch.open(ptl)) {
            return ((Number) c.metadata().get("mobile.bytecode_version")).intValue();
        }
    }

    static List<String> fileNames(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void bytecodeVersion5RunsInPyTorch113LikeTheOriginal() throws IOException {
        Path dir = OracleAccess.tempDir();
        Path v8 = dir.resolve("m.ptl");
        Path v5 = dir.resolve("m-v5.ptl");
        Run plain = run(fx("model.pt"), v8.toString());
        assertEquals(0, plain.exit(), plain.err());
        Run r = run("--bytecode-version", "5", fx("model.pt"), v5.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("bytecode v5, backported from v8"), r.out());

        assertEquals(8, bytecodeVersion(v8), "libtorch 2.13 writes bytecode v8");
        assertEquals(5, bytecodeVersion(v5));
        Map<String, float[]> original = OracleAccess.runExported("lite", v8, "forward", "twice");
        Map<String, float[]> lowered = OracleAccess.runExported("lite", v5, "forward", "twice");
        for (String method : List.of("forward", "twice")) {
            assertArrayEquals(original.get(method), lowered.get(method), method);
        }
        OracleAccess.assertTrainedOutputs(lowered);
        assertEquals(List.of("m-v5.ptl", "m.ptl"), fileNames(dir), "no temporary files left");
    }

    @Test
    void bytecodeVersion8NeedsNoBackport() throws IOException {
        Path dir = OracleAccess.tempDir();
        Path out = dir.resolve("m.ptl");
        Run r = run("--bytecode-version", "8", fx("model.pt"), out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(8, bytecodeVersion(out));
        assertFalse(r.out().contains("backported"), r.out());
    }

    @Test
    void bytecodeVersionOutOfRangeIsAUsageError() throws IOException {
        Path dir = OracleAccess.tempDir();
        Run low = run("--bytecode-version", "3", fx("model.pt"), dir.resolve("a.ptl").toString());
        assertEquals(2, low.exit(), low.err());
        assertTrue(low.err().contains("--bytecode-version must be at least 4"), low.err());
        Run high = run("--bytecode-version", "9", fx("model.pt"), dir.resolve("b.ptl").toString());
        assertEquals(2, high.exit(), high.err());
        assertTrue(high.err().contains("--bytecode-version must be at most 8"), high.err());
        Run pt = run("--to", "pt", "--bytecode-version", "5", fx("model.pt"), dir.resolve("c.pt").toString());
        assertEquals(2, pt.exit(), pt.err());
        Run notANumber = run("--bytecode-version", "five", fx("model.pt"), dir.resolve("d.ptl").toString());
        assertEquals(2, notANumber.exit(), notANumber.err());
        assertEquals(List.of(), fileNames(dir), "nothing written");
    }

    static String fx(String name) throws IOException {
        return OracleAccess.fixture(name).toString();
    }

    static void assertTrained(Path ptl) throws IOException {
        Map<String, float[]> outputs = OracleAccess.runExported("lite", ptl, "forward", "twice");
        OracleAccess.assertTrainedOutputs(outputs);
    }

    @Test
    void stateDictPklIntoArchitecture() throws IOException {
        Path out = OracleAccess.tempDir().resolve("from-pkl.ptl");
        Run r = run("--architecture", fx("arch.pt"), "--weights", fx("weights.pkl"), out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("matched 9 tensor(s)"), r.out());
        assertTrue(r.out().contains("wrote " + out), r.out());
        assertTrained(out);
    }

    @Test
    void pickledModuleIntoArchitecture() throws IOException {
        Path out = OracleAccess.tempDir().resolve("from-module.ptl");
        Run r = run("--architecture", fx("arch.pt"), "--weights", fx("module.pt"), out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("matched 9 tensor(s)"), r.out());
        assertTrained(out);
    }

    @Test
    void lightningCheckpointNeedsItsPrefixStripped() throws IOException {
        Path out = OracleAccess.tempDir().resolve("from-ckpt.ptl");
        Run refused = run("--architecture", fx("arch.pt"), "--weights", fx("lightning.ckpt"), out.toString());
        assertEquals(2, refused.exit());
        assertTrue(refused.err().contains("missing keys (9)"), refused.err());
        assertTrue(refused.err().contains("unexpected keys (9)"), refused.err());
        assertTrue(refused.err().contains("--strip-prefix model."), refused.err());
        assertFalse(Files.exists(out), "nothing written when the weights do not fit");

        Run r = run("--architecture", fx("arch.pt"), "--weights", fx("lightning.ckpt"), "--strip-prefix", "model.", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrained(out);
    }

    @Test
    void strictAndNoStrict() throws IOException {
        Path out = OracleAccess.tempDir().resolve("partial.ptl");
        Run strict = run("--architecture", fx("arch.pt"), "--weights", fx("partial.pkl"), out.toString());
        assertEquals(2, strict.exit());
        assertTrue(strict.err().contains("missing keys (1):\n  bn.running_var"), strict.err());
        assertTrue(strict.err().contains("unexpected keys (1):\n  extra.weight"), strict.err());

        Run loose = run("--architecture", fx("arch.pt"), "--weights", fx("partial.pkl"), "--no-strict", out.toString());
        assertEquals(0, loose.exit(), loose.err());
        // Loads and runs in the lite interpreter; bn.running_var kept the architecture's value, so the
        // outputs are not the trained ones.
        float[] y = OracleAccess.runExported("lite", out, "forward").get("forward");
        assertEquals(15, y.length);
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> OracleAccess.assertTrainedOutputs(
                Map.of("forward", y)));

        Run shape = run("--architecture", fx("arch.pt"), "--weights", fx("badshape.pkl"), "--no-strict", out.toString() + "2");
        assertEquals(2, shape.exit());
        assertTrue(shape.err().contains("l2.weight: weights [8, 3] vs module [3, 8]"), shape.err());
    }

    @Test
    void scriptedModelToPtlAndPt() throws IOException {
        Path dir = OracleAccess.tempDir();
        Run r = run(fx("model.pt"), dir.resolve("m.ptl").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("methods: forward, twice"), r.out());
        assertTrained(dir.resolve("m.ptl"));

        Run pt = run("--to", "pt", "--no-freeze", fx("model.pt"), dir.resolve("m.pt").toString());
        assertEquals(0, pt.exit(), pt.err());
        OracleAccess.assertTrainedOutputs(OracleAccess.runExported("jit", dir.resolve("m.pt"), "forward", "twice"));
    }

    @Test
    void usageAndInputErrors() throws IOException {
        Path dir = OracleAccess.tempDir();
        List<Run> usage = new ArrayList<>();
        usage.add(run("--architecture", fx("arch.pt"), dir.resolve("a.ptl").toString())); // no --weights
        usage.add(run("--architecture", fx("arch.pt"), "--weights", fx("weights.pkl"), fx("model.pt"), dir.resolve("b.ptl").toString()));
        usage.add(run(fx("model.pt"))); // no output
        usage.add(run("--to", "onnx", fx("model.pt"), dir.resolve("c.onnx").toString()));
        usage.add(run(fx("model.pt"), fx("model.pt")));
        for (Run u : usage) assertEquals(2, u.exit(), u.err());

        Run notScript = run(fx("weights.pkl"), dir.resolve("d.ptl").toString());
        assertEquals(2, notScript.exit());
        assertTrue(notScript.err().contains("weights.pkl") && notScript.err().contains("TorchScript"), notScript.err());

        Run missing = run(dir.resolve("absent.pt").toString(), dir.resolve("e.ptl").toString());
        assertEquals(2, missing.exit());

        Path garbage = dir.resolve("garbage.pkl");
        Files.write(garbage, new byte[] {(byte) 0x80, 2, 'x'});
        Run bad = run("--architecture", fx("arch.pt"), "--weights", garbage.toString(), dir.resolve("f.ptl").toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("garbage.pkl"), bad.err());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("garbage.pkl"), files.map(p -> p.getFileName().toString()).toList(), "no output, no temp files");
        }
    }
}
