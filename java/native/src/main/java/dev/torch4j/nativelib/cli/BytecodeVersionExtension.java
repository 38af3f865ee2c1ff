package dev.torch4j.nativelib.cli;

import dev.torch4j.spi.CliExtension;

/** Adds {@code torch4j bytecode-version} when torch4j-native is on the class path. */
public final class BytecodeVersionExtension implements CliExtension {
  @Override
  public Object command() {
    return new BytecodeVersionCommand();
  }
}
