package dev.torch4j.cli.api;

import picocli.CommandLine;

/**
 * Builds the usage errors of {@link Torch4jCommand#usage}. A class of its own so that only a failing
 * command loads picocli's exception classes: verifying a method that creates one and returns it as
 * a RuntimeException loads it, and picocli's Java 5 class files cannot come from the class-data
 * archive (each cold {@code inspect} read them from the jar).
 */
final class UsageError {
    private UsageError() {}

    static RuntimeException of(CommandLine commandLine, String message) {
        return new CommandLine.ParameterException(commandLine, message);
    }
}
