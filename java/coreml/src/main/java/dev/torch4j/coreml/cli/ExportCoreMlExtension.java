package dev.torch4j.coreml.cli;

import dev.torch4j.cli.api.CliExtension;
import dev.torch4j.cli.api.Torch4jCommand;

/** Adds {@code torch4j export-coreml} to the command line when this module is on the class path. */
public final class ExportCoreMlExtension implements CliExtension {
    @Override public Torch4jCommand command() {
        return new ExportCoreMlCommand();
    }
}
