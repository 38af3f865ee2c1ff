package dev.torch4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.torch4j.torchscript.mobile.MobileBackport;
import dev.torch4j.testing.ReferencePython;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code torch4j backport} (torch4j-core's pure-Java backport, no libtorch needed), against PyTorch 1.13's
 * lite interpreter, and the CLI convention it follows.
 */
class BackportCommandTest {
    private static final String SAVE = """
            import sys, torch
            from torch.jit.mobile import _get_model_bytecode_version
            class Model(torch.nn.Module):
                    def __init__(self):
                            super().__init__()
                            self.conv = torch.nn.Conv1d(2, 3, 3)
                    def forward(self, x):
                            return torch.tanh(self.conv(x)).flatten(1) @ torch.ones(18, 2) - x.mean()
            torch.manual_seed(3)
            m = torch.jit.script(Model())
            m._save_for_lite_interpreter(sys.argv[1])
            print(_get_model_bytecode_version(sys.argv[1]))
            """;
    private static final String LOAD = """
            import sys, torch
            from torch.jit.mobile import _get_model_bytecode_version, _load_for_lite_interpreter
            x = torch.linspace(-2, 2, 16).reshape(1, 2, 8)
            a = _load_for_lite_interpreter(sys.argv[1])(x)
            b = _load_for_lite_interpreter(sys.argv[2])(x)
            print(_get_model_bytecode_version(sys.argv[2]), 'same' if torch.equal(a, b) else 'DIFFERENT')
            """;

    @TempDir Path tmp;

    record Run(int exit, String out, String err) {}

    /** Runs a script on the reference PyTorch from a file (torch.jit.script reads the model's source). */
    private String python(String script, String... args) throws java.io.IOException {
        Path file = Files.createTempFile(tmp.getParent(), "script-", ".py");
        try {
            Files.writeString(file, script);
            return ReferencePython.runScript(file, args);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = dev.torch4j.cli.api.ErrorHandler.install(new CommandLine(command), false);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void backportIsABuiltInCommandOfThePureJavaCli() {
        CommandLine tree = CommandTree.whole(new PrintWriter(new StringWriter()));
        assertTrue(tree.getSubcommands().get("backport").getCommand() instanceof BackportCommand,
                "backport needs no native module: " + tree.getSubcommands().keySet());
    }

    @Test
    void backportToV5LoadsInPyTorch113WithTheSameOutputs() throws Exception {
        Path model = tmp.resolve("model.ptl");
        String v = python(SAVE, model.toString()).strip();
        assertEquals("8", v, "PyTorch 1.13 writes bytecode v8");

        assertEquals(8, MobileBackport.version(model));

        Path out = tmp.resolve("model-v5.ptl");
        Run backport = run(new BackportCommand(), model.toString(), out.toString(), "--to", "5");
        assertEquals(0, backport.exit(), backport.err());
        assertTrue(backport.out().contains("v8 -> v5"), backport.out());
        assertEquals(5, MobileBackport.version(out));
        try (var files = Files.list(tmp)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".")), "temporary file left behind");
        }
        // The convention: an existing output is refused without --force (and left untouched), replaced with it.
        byte[] before = Files.readAllBytes(out);
        Run again = run(new BackportCommand(), model.toString(), out.toString(), "--to", "6");
        assertEquals(2, again.exit());
        assertTrue(again.err().contains(out + ": already exists (use --force"), again.err());
        assertEquals(5, MobileBackport.version(out));
        Run forced = run(new BackportCommand(), model.toString(), out.toString(), "--to", "6", "--force", "--json");
        assertEquals(0, forced.exit(), forced.err());
        assertEquals("{\"file\":\"" + model + "\",\"output\":\"" + out + "\",\"from\":8,\"to\":6}", forced.out().strip().replace(" ", ""));
        assertEquals(6, MobileBackport.version(out));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertTrue(before.length > 0);
        String report = python(LOAD, model.toString(), out.toString());
        assertEquals("6 same", report.strip(), "the --force run replaced it with v6");
    }

    @Test
    void failuresAreMessagesAndLeaveNoOutput() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("garbage.ptl"), "not a zip");
        Path out = tmp.resolve("out.ptl");
        Run r = run(new BackportCommand(), garbage.toString(), out.toString(), "--to", "5");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("torch4j: "), r.err());
        assertFalse(Files.exists(out));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "only the input remains");
        }
        Path random = Files.write(tmp.resolve("random.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Run notMobile = run(new BackportCommand(), random.toString(), out.toString(), "--to", "5");
        assertEquals(2, notMobile.exit());
        assertEquals("torch4j: " + random + " at byte 0: not a PyTorch Mobile file (.ptl): neither a zip archive nor a"
                + " flatbuffer mobile file", notMobile.err().strip());
        Path absent = tmp.resolve("absent.ptl");
        Run missing = run(new BackportCommand(), absent.toString(), out.toString(), "--to", "5");
        assertEquals(2, missing.exit());
        assertEquals("torch4j: " + absent + ": no such file", missing.err().strip());
    }

    /** PyTorch's tutorial recipe: optimize_for_mobile puts XNNPACK prepacked contexts into the .ptl. */
    private static final String SAVE_OPTIMIZED = """
            import sys, torch, zipfile
            from torch.utils.mobile_optimizer import optimize_for_mobile
            from torch.jit.mobile import _backport_for_mobile, _load_for_lite_interpreter
            class Model(torch.nn.Module):
                    def __init__(self):
                            super().__init__()
                            self.conv = torch.nn.Conv2d(3, 8, 3)
                            self.fc = torch.nn.Linear(8, 4)
                    def forward(self, x):
                            return self.fc(torch.relu(self.conv(x)).mean((2, 3)))
            torch.manual_seed(3)
            m = Model().eval()
            optimize_for_mobile(torch.jit.script(m))._save_for_lite_interpreter(sys.argv[1])
            names = zipfile.ZipFile(sys.argv[1]).namelist()
            x = torch.linspace(-2, 2, 192).reshape(1, 3, 8, 8)
            torch.save((x, m(x)), sys.argv[2])
            print(any(n.endswith('classes/xnnpack.py') for n in names))
            """;
    private static final String RUN_OPTIMIZED = """
            import sys, torch
            from torch.jit.mobile import _get_model_bytecode_version, _load_for_lite_interpreter
            x, expected = torch.load(sys.argv[1])
            got = _load_for_lite_interpreter(sys.argv[2])(x)
            print(_get_model_bytecode_version(sys.argv[2]), torch.allclose(got, expected, atol=1e-5))
            """;

    /** The "done when": the tutorial's optimize_for_mobile file backports to v5 and runs with PyTorch's outputs. */
    @Test
    void optimizeForMobileFilesBackportAndRunInPyTorch113() throws Exception {
        Path model = tmp.resolve("cnn.ptl");
        Path io = tmp.resolve("io.pt");
        assertEquals("True", python(SAVE_OPTIMIZED, model.toString(), io.toString()).strip(),
                "optimize_for_mobile put XNNPACK contexts in the file");
        Path out = tmp.resolve("cnn-v5.ptl");
        Run r = run(new BackportCommand(), model.toString(), out.toString(), "--to", "5");
        assertEquals(0, r.exit(), r.err());
        assertEquals("wrote " + out + " (bytecode v8 -> v5)", r.out().strip());
        assertEquals("5 True", python(RUN_OPTIMIZED, io.toString(), out.toString()).strip(),
                "PyTorch 1.13 reads v5 and its lite interpreter gives the original module's outputs");
    }

    @Test
    void versionsPyTorchCannotReadAreUsageErrors() throws Exception {
        Path in = Files.writeString(tmp.resolve("in.ptl"), "x");
        Run r = run(new BackportCommand(), in.toString(), tmp.resolve("out.ptl").toString(), "--to", "3");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--to must be a bytecode version PyTorch reads (4 or more), not 3"), r.err());
        assertFalse(Files.exists(tmp.resolve("out.ptl")));
    }

}
