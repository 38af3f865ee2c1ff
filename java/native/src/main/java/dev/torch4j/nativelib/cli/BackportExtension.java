package dev.torch4j.nativelib.cli;

import dev.torch4j.cli.api.CliExtension;
import dev.torch4j.cli.api.Torch4jCommand;

/** Adds {@code torch4j backport} when torch4j-native is on the class path. */
public final class BackportExtension implements CliExtension {
  @Override
  public Torch4jCommand command() {
    return new BackportCommand();
  }
}
