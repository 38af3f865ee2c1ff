package dev.torch4j.cli.api;

/**
 * A subcommand an optional module adds to {@code torch4j} (found with {@link java.util.ServiceLoader}),
 * so the pure-Java CLI carries no native dependency: torch4j-libtorch adds {@code run} and
 * {@code export-mobile}, torch4j-coreml {@code export-coreml}. The command is a {@link Torch4jCommand}, so it
 * shares the CLI's options, error handler and exit codes.
 */
public interface CliExtension {
    /** A fresh instance of the command (picocli binds its options into the instance). */
    Torch4jCommand command();
}
