package dev.torch4j.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.torch4j.nativelib.cli.BackportCommand;
import dev.torch4j.cli.api.CliExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code torch4j backport}, against PyTorch 1.13's lite interpreter, and the CLI convention it follows. */
class MobileCliTest {
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
  void backportIsRegisteredAsACliExtension() {
    List<String> names = new ArrayList<>();
    for (CliExtension e : ServiceLoader.load(CliExtension.class)) {
      names.add(new CommandLine(e.command()).getCommandName());
    }
    assertEquals(List.of("backport"), names, "bytecode-version is pure Java now (torch4j-cli)");
  }

  @Test
  void backportToV5LoadsInPyTorch113WithTheSameOutputs() throws Exception {
    requireTools();
    Path model = tmp.resolve("model.ptl");
    String v = PythonTorch.run(tmp, SAVE, model.toString()).strip();
    assertEquals("8", v, "PyTorch 1.13 writes bytecode v8");

    assertEquals(8, MobileBytecodeTools.version(model));

    Path out = tmp.resolve("model-v5.ptl");
    Run backport = run(new BackportCommand(), model.toString(), out.toString(), "--to", "5");
    assertEquals(0, backport.exit(), backport.err());
    assertTrue(backport.out().contains("v8 -> v5"), backport.out());
    assertEquals(5, MobileBytecodeTools.version(out));
    try (var files = Files.list(tmp)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".")), "temporary file left behind");
    }
    // The convention: an existing output is refused without --force (and left untouched), replaced with it.
    byte[] before = Files.readAllBytes(out);
    Run again = run(new BackportCommand(), model.toString(), out.toString(), "--to", "6");
    assertEquals(2, again.exit());
    assertTrue(again.err().contains(out + ": already exists (use --force"), again.err());
    assertEquals(5, MobileBytecodeTools.version(out));
    Run forced = run(new BackportCommand(), model.toString(), out.toString(), "--to", "6", "--force", "--json");
    assertEquals(0, forced.exit(), forced.err());
    assertEquals("{\"file\":\"" + model + "\",\"output\":\"" + out + "\",\"from\":8,\"to\":6}", forced.out().strip().replace(" ", ""));
    assertEquals(6, MobileBytecodeTools.version(out));
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    assertTrue(before.length > 0);
    String report = PythonTorch.run(tmp, LOAD, model.toString(), out.toString());
    assertEquals("6 same", report.strip(), "the --force run replaced it with v6");
  }

  @Test
  void failuresAreMessagesAndLeaveNoOutput() throws Exception {
    requireTools();
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
      ok = _backport_for_mobile(sys.argv[1], sys.argv[2], 5)
      same = torch.allclose(_load_for_lite_interpreter(sys.argv[2])(x), m(x), atol=1e-5)
      print(any(n.endswith('classes/xnnpack.py') for n in names), ok, same)
      """;

  @Test
  void optimizeForMobileFilesNameWhatTheBundledLibtorchLacks() throws Exception {
    requireTools();
    Path model = tmp.resolve("cnn.ptl");
    Path byPyTorch = tmp.resolve("cnn-v5-pytorch.ptl");
    String facts = PythonTorch.run(tmp, SAVE_OPTIMIZED, model.toString(), byPyTorch.toString()).strip();
    assertEquals("True True True", facts, "XNNPACK contexts in the file; PyTorch 1.13 backports it to v5 and its"
        + " lite interpreter gives the original outputs");
    Path out = tmp.resolve("cnn-v5.ptl");
    Run r = run(new BackportCommand(), model.toString(), out.toString(), "--to", "5");
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.err().startsWith("torch4j: " + model + ": uses XNNPACK prepacked ops"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void missingLibtorchIsExit3WithAReason() throws Exception {
    assumeTrue(!MobileBytecodeTools.isAvailable(), "tools available: covered by the fallback run");
    Path in = Files.writeString(tmp.resolve("in.ptl"), "x");
    Run r = run(new BackportCommand(), in.toString(), tmp.resolve("out.ptl").toString(), "--to", "5");
    assertEquals(3, r.exit());
    assertTrue(r.err().startsWith("torch4j: mobile bytecode tools need libtorch"), r.err());
    assertFalse(Files.exists(tmp.resolve("out.ptl")));
  }

  private static void requireTools() {
    boolean expected = Boolean.getBoolean("torch4j.native.expected")
        && !Boolean.getBoolean(NativeLibrary.DISABLE_PROPERTY)
        && !System.getProperty("torch4j.libtorch.dir", "").isBlank();
    if (expected) {
      assertTrue(MobileBytecodeTools.isAvailable(), MobileBytecodeTools::unavailableReason);
    }
    assumeTrue(MobileBytecodeTools.isAvailable(), () -> "mobile tools unavailable: " + MobileBytecodeTools.unavailableReason());
  }
}
