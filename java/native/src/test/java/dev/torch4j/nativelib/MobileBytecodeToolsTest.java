package dev.torch4j.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model saved for the lite interpreter by PyTorch 1.13 (bytecode v8), backported by the
 * jar's libtorch to every older version it can write, must load in PyTorch 1.13's lite
 * interpreter and compute what the original scripted module computes.
 */
class MobileBytecodeToolsTest {
  private static final String SAVE = """
      import sys, torch
      from torch.jit.mobile import _get_model_bytecode_version, _load_for_lite_interpreter
      class Model(torch.nn.Module):
          def __init__(self):
              super().__init__()
              self.linear = torch.nn.Linear(4, 3)
          def forward(self, x):
              y = torch.relu(self.linear(x)) * 2.0
              return y + x.sum(dim=1, keepdim=True)
      torch.manual_seed(0)
      m = torch.jit.script(Model())
      m._save_for_lite_interpreter(sys.argv[1])
      torch.save(m(torch.arange(8.0).reshape(2, 4) - 3.5), sys.argv[1] + '.expected.pt')
      print(_get_model_bytecode_version(sys.argv[1]))
      """;
  private static final String LOAD = """
      import sys, torch
      from torch.jit.mobile import _get_model_bytecode_version, _load_for_lite_interpreter
      expected = torch.load(sys.argv[1] + '.expected.pt')
      for path in sys.argv[2:]:
          m = _load_for_lite_interpreter(path)
          out = m(torch.arange(8.0).reshape(2, 4) - 3.5)
          v = _get_model_bytecode_version(path)
          print(path, v, 'same' if torch.equal(out, expected) else 'DIFFERENT')
      """;

  @TempDir
  Path tmp;

  @BeforeEach
  void requireTools() {
    boolean disabled = Boolean.getBoolean(NativeLibrary.DISABLE_PROPERTY);
    boolean expected = Boolean.getBoolean("torch4j.native.expected")
        && !System.getProperty("torch4j.libtorch.dir", "").isBlank();
    if (expected && !disabled) {
      assertTrue(MobileBytecodeTools.isAvailable(), MobileBytecodeTools::unavailableReason);
    }
    assumeTrue(MobileBytecodeTools.isAvailable(), () -> "mobile tools unavailable: " + MobileBytecodeTools.unavailableReason());
  }

  @Test
  void backportsLoadInPyTorch113WithTheSameOutputs() throws Exception {
    Path model = tmp.resolve("model.ptl");
    int pythonVersion = Integer.parseInt(PythonTorch.run(tmp, SAVE, model.toString()).strip());
    assertEquals(pythonVersion, MobileBytecodeTools.version(model));

    List<String> paths = new ArrayList<>();
    int lowest = pythonVersion;
    for (int v = pythonVersion - 1; v >= 1; v--) {
      Path out = tmp.resolve("model-v" + v + ".ptl");
      try {
        MobileBytecodeTools.backport(model, out, v);
      } catch (IOException e) {
        break;  // libtorch lowers one version at a time down to its floor
      }
      assertEquals(v, MobileBytecodeTools.version(out));
      paths.add(out.toString());
      lowest = v;
    }
    assertTrue(lowest <= 5, "libtorch should backport at least down to v5, stopped at v" + lowest);

    List<String> args = new ArrayList<>(List.of(model.toString()));
    args.addAll(paths);
    String report = PythonTorch.run(tmp, LOAD, args.toArray(String[]::new));
    for (String path : paths) {
      String v = path.substring(path.lastIndexOf("-v") + 2, path.length() - 4);
      assertTrue(report.contains(path + " " + v + " same"), () -> "PyTorch 1.13 on " + path + ":\n" + report);
    }
  }

  @Test
  void unreadableInputsBecomeIOExceptions() throws Exception {
    Path garbage = Files.writeString(tmp.resolve("garbage.ptl"), "this is not a zip archive");
    IOException e = assertThrows(IOException.class, () -> MobileBytecodeTools.version(garbage));
    assertTrue(!e.getMessage().isBlank());
    assertThrows(IOException.class, () -> MobileBytecodeTools.backport(garbage, tmp.resolve("out.ptl"), 5));
    assertThrows(java.nio.file.NoSuchFileException.class, () -> MobileBytecodeTools.version(tmp.resolve("absent.ptl")));
  }
}
