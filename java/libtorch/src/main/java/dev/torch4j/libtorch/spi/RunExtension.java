package dev.torch4j.libtorch.spi;

import dev.torch4j.cli.api.CliExtension;
import dev.torch4j.cli.api.Torch4jCommand;
import dev.torch4j.libtorch.cli.RunCommand;

/** Adds {@code torch4j run} to the command line when this module is on the class path. */
public final class RunExtension implements CliExtension {
    @Override public Torch4jCommand command() {
        return new RunCommand();
    }
}
