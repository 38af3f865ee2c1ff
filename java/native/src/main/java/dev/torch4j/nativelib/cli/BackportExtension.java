package dev.torch4j.nativelib.cli;

import dev.torch4j.spi.CliExtension;

/** Adds {@code torch4j backport} when torch4j-native is on the class path. */
public final class BackportExtension implements CliExtension {
  @Override
  public Object command() {
    return new BackportCommand();
  }
}
