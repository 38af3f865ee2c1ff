package dev.torch4j.nativelib;

import dev.torch4j.testing.ReferencePython;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs scripts in a work directory on the reference PyTorch ({@link ReferencePython}: skipped, or
 * failed under CI, when it is missing).
 */
final class PythonTorch {
  private PythonTorch() {}

  static Path interpreter() {
    ReferencePython.require();
    return ReferencePython.interpreter();
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
    if (p.exitValue() != 0) {
      throw new IOException("python failed (" + p.exitValue() + "):\n" + text);
    }
    return text;
  }
}
