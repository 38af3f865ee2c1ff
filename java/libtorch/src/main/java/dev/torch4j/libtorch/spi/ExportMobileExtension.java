package dev.torch4j.libtorch.spi;

import dev.torch4j.cli.api.CliExtension;
import dev.torch4j.cli.api.Torch4jCommand;
import dev.torch4j.libtorch.cli.ExportMobileCommand;

/** Adds {@code torch4j export-mobile} to the command line when this module is on the class path. */
public final class ExportMobileExtension implements CliExtension {
    @Override public Torch4jCommand command() {
        return new ExportMobileCommand();
    }
}
