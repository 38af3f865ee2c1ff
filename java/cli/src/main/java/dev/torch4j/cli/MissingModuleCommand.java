package dev.torch4j.cli;

import dev.torch4j.spi.BackendUnavailableException;
import dev.torch4j.spi.ExitCodes;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;

/**
 * A command of the product whose module is not on the class path (the pure-Java distribution has no
 * libtorch): {@code torch4j} still knows it, lists it, and answers any use of it with exit
 * {@value ExitCodes#BACKEND_MISSING} and what to install, instead of picocli's "Unmatched arguments".
 */
record MissingModuleCommand(String name, String summary, String needs) {
    /** Every command an optional module adds, in the order help lists them. */
    static final List<MissingModuleCommand> ALL = List.of(
            new MissingModuleCommand("run", "Run a TorchScript model on numpy inputs with libtorch.", "libtorch (torch4j-libtorch)"),
            new MissingModuleCommand("export-mobile", "Write a TorchScript model as a PyTorch Mobile file (.ptl).",
                    "libtorch (torch4j-libtorch)"),
            new MissingModuleCommand("export-coreml", "Convert a TorchScript model to a Core ML model.",
                    "libtorch and the Core ML converter (torch4j-coreml)"));

    /** What the user sees: the command needs a module this installation lacks, and where to get it. */
    String message() {
        return name + " needs " + needs + ", which this installation does not include: use the platform distribution"
                + " (torch4j-" + Main.Version.number() + "-linux-x86_64), or put " + needs.replaceAll(".*\\((.*)\\)", "$1")
                + " and its dependencies on the class path";
    }

    /** A command that takes any arguments (so none is "unmatched") and fails with exit 3. */
    CommandSpec spec() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection((java.util.concurrent.Callable<Integer>) () -> {
            throw new BackendUnavailableException(message());
        });
        spec.name(name).mixinStandardHelpOptions(true);
        spec.usageMessage().description(summary, "Not in this installation: " + name + " needs " + needs + ".");
        spec.parser().unmatchedArgumentsAllowed(true);
        spec.parser().unmatchedOptionsArePositionalParams(true);
        return spec;
    }
}
