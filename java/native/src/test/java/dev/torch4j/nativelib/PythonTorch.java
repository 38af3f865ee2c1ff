package dev.torch4j.nativelib;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs scripts on the reference PyTorch ({@code /usr/bin/python3}, or {@code -Dtorch4j.python}).
 * Tests skip when that interpreter or its torch package is missing.
 */
final class PythonTorch {
  private PythonTorch() {}

  static Path interpreter() {
    Path python = Path.of(System.getProperty("torch4j.python", "/usr/bin/python3"));
    assumeTrue(Files.isExecutable(python), "no reference Python at " + python);
    return python;
  }

  /** Runs {@code script} with {@code args}; skips the test when torch cannot be imported. */
  static String run(Path workDir, String script, String... args) throws IOException, InterruptedException {
    Path file = workDir.resolve("script-" + System.nanoTime() + ".py");
    Files.writeString(file, script);
    List<String> command = new ArrayList<>(List.of(interpreter().toString(), file.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("python timed out");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assumeTrue(!text.contains("ModuleNotFoundError: No module named 'torch'"), "reference Python has no torch");
    if (p.exitValue() != 0) {
      throw new IOException("python failed (" + p.exitValue() + "):\n" + text);
    }
    return text;
  }
}
