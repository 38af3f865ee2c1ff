package dev.torch4j.nativelib.cli;

import dev.torch4j.nativelib.MobileBytecodeTools;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;

/** What the mobile bytecode commands share: exit codes and how failures are reported. */
final class MobileCommands {
  static final int EXIT_FAILED = 1;
  /** Usage errors, and libtorch or libtorch4j_mobile missing: nothing was attempted. */
  static final int EXIT_UNAVAILABLE = 2;

  private MobileCommands() {}

  /** Null when the tools load; otherwise prints why and returns the exit code. */
  static Integer requireTools(PrintWriter err) {
    if (MobileBytecodeTools.isAvailable()) {
      return null;
    }
    err.println("torch4j: mobile bytecode tools need libtorch and libtorch4j_mobile: "
        + MobileBytecodeTools.unavailableReason());
    err.println("torch4j: put torch4j-native-<version>-<platform>.jar and org.bytedeco:pytorch:<version>:<platform>"
        + " on the class path, or set -Dtorch4j.mobile.path and -Dtorch4j.libtorch.dir");
    return EXIT_UNAVAILABLE;
  }

  static int failed(PrintWriter err, Exception e) {
    String message = e instanceof NoSuchFileException ? "no such file: " + e.getMessage() : e.getMessage();
    err.println("torch4j: " + message);
    return EXIT_FAILED;
  }

  static boolean isIoFailure(Exception e) {
    return e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException;
  }
}
