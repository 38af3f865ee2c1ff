package dev.torch4j.libtorch.spi;

import dev.torch4j.libtorch.cli.RunCommand;
import dev.torch4j.spi.CliExtension;

/** Adds {@code torch4j run} to the command line when this module is on the class path. */
public final class RunExtension implements CliExtension {
    @Override public Object command() {
        return new RunCommand();
    }
}
