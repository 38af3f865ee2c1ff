package dev.torch4j.coreml.cli;

import dev.torch4j.spi.CliExtension;

/** Adds {@code torch4j export-coreml} to the command line when this module is on the class path. */
public final class ExportCoreMlExtension implements CliExtension {
    @Override public Object command() {
        return new ExportCoreMlCommand();
    }
}
