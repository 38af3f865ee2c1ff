package dev.torch4j.libtorch.spi;

import dev.torch4j.libtorch.cli.ExportMobileCommand;
import dev.torch4j.spi.CliExtension;

/** Adds {@code torch4j export-mobile} to the command line when this module is on the class path. */
public final class ExportMobileExtension implements CliExtension {
    @Override public Object command() {
        return new ExportMobileCommand();
    }
}
