package dev.torch4j.cli.api;

import dev.torch4j.spi.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The base of every {@code torch4j} command, built-in or from an optional module. A command does its
 * work in {@link #call()} and reports failures by throwing: {@code torch4j}'s one handler prints
 * {@code torch4j: <the user's path>: <cause>} on one line (the trace only under {@code --debug}) and
 * exits with the status {@link ExitCodes} gives the failure. Commands never print their own errors, so
 * every command, in every module, reads the same.
 */
public abstract class Torch4jCommand implements Callable<Integer> {
    @Spec protected CommandSpec spec;

    protected Torch4jCommand() {}

    /** Standard output, for the command's result (text or JSON). */
    protected final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error, for progress and warnings (errors are thrown, not printed). */
    protected final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A usage error (exit {@value ExitCodes#BAD_INPUT}), reported with a pointer to the command's help. */
    protected final CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
