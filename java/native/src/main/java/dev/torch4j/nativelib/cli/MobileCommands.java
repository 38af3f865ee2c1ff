package dev.torch4j.nativelib.cli;

import dev.torch4j.nativelib.MobileBytecodeTools;
import dev.torch4j.spi.BackendUnavailableException;

/** What the mobile bytecode commands share: the check that libtorch4j_mobile loads. */
final class MobileCommands {
  private MobileCommands() {}

  /** Throws (exit status 3, nothing attempted) when libtorch or libtorch4j_mobile does not load. */
  static void requireTools() {
    if (MobileBytecodeTools.isAvailable()) {
      return;
    }
    throw new BackendUnavailableException("mobile bytecode tools need libtorch and libtorch4j_mobile: "
        + MobileBytecodeTools.unavailableReason()
        + " (use the platform distribution of torch4j, or put torch4j-native-<version>-<platform>.jar and"
        + " org.bytedeco:pytorch:<version>:<platform> on the class path)");
  }
}
