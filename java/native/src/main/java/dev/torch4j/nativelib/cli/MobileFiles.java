package dev.torch4j.nativelib.cli;

import dev.torch4j.TorchFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What the mobile commands check in Java before libtorch sees a file, and how libtorch's failures
 * reach the user: one line naming the user's file, never libtorch's own words alone ("Unrecognized
 * data format", an INTERNAL ASSERT with its C++ backtrace).
 */
final class MobileFiles {
  private MobileFiles() {}

  /** A libtorch call on {@code file}. */
  interface NativeCall<T> {
    T call() throws IOException;
  }

  /**
   * Refuses a file that is not a zip archive with {@code bytecode.pkl} (what
   * {@code _save_for_lite_interpreter} writes) or a flatbuffer mobile file, naming the file.
   */
  static void requireMobileFile(Path file) throws IOException {
    byte[] head = new byte[8];
    int n;
    try (InputStream s = Files.newInputStream(file)) {
      n = s.readNBytes(head, 0, head.length);
    }
    // Flatbuffer mobile files (bytecode v9) carry the identifier "PTMF" at offset 4.
    if (n == 8 && head[4] == 'P' && head[5] == 'T' && head[6] == 'M' && head[7] == 'F') {
      return;
    }
    if (n < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
      throw new TorchFileException(file.toString(), null, 0,
          "not a PyTorch Mobile file (.ptl): neither a zip archive nor a flatbuffer mobile file");
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      boolean bytecode = zip.stream().map(ZipEntry::getName).anyMatch(name -> name.endsWith("/bytecode.pkl"));
      if (!bytecode) {
        throw new TorchFileException(file.toString(), null, -1,
            "holds no bytecode.pkl: not a PyTorch Mobile file (save it with _save_for_lite_interpreter)");
      }
      // optimize_for_mobile's prepacked contexts: libtorch's backport reloads the module, and the
      // bundled libtorch, built without XNNPACK, fails on them with an internal assertion (isGenericDict).
      boolean xnnpack = zip.stream().map(ZipEntry::getName).anyMatch(name -> name.endsWith("/code/__torch__/torch/classes/xnnpack.py"));
      if (xnnpack) {
        throw new dev.torch4j.spi.BackendUnavailableException(file + ": uses XNNPACK prepacked ops"
            + " (torch.classes.xnnpack, from optimize_for_mobile), which the bundled libtorch lacks, so its backport"
            + " cannot rewrite them: use PyTorch's torch.jit.mobile._backport_for_mobile, or export-mobile"
            + " --bytecode-version N from the TorchScript .pt");
      }
    } catch (java.util.zip.ZipException e) {
      throw new TorchFileException(file.toString(), null, -1, "not a readable zip archive: " + e.getMessage(), e);
    }
  }

  /** Runs {@code call}; a libtorch failure becomes one line naming {@code file} and libtorch's first line. */
  static <T> T namingFile(Path file, NativeCall<T> call) throws IOException {
    try {
      return call.call();
    } catch (TorchFileException | java.nio.file.FileSystemException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new TorchFileException(file.toString(), null, -1, libtorchReason(e.getMessage()), e);
    }
  }

  /**
   * libtorch's message without its C++ source locations and backtrace: the first line, and for an
   * internal assertion what it means for the user.
   */
  static String libtorchReason(String message) {
    if (message == null || message.isBlank()) {
      return "libtorch failed without a message";
    }
    String first = message.strip().lines().findFirst().orElse("");
    if (first.contains("INTERNAL ASSERT FAILED")) {
      return "libtorch cannot handle this file (an internal check failed: "
          + first.replaceAll(".*INTERNAL ASSERT FAILED at [^,]*,?\\s*", "").replaceAll("please report a bug to PyTorch\\.?", "").strip()
          + ")";
    }
    return first.replaceAll("\\s*\\(?Exception raised from .*", "");
  }
}
