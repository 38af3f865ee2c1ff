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

    // Set when torch4j runs the command without picocli (its direct path for common command lines); then
    // spec is null until a usage error needs it.
    private PrintWriter directOut;
    private PrintWriter directErr;

    protected Torch4jCommand() {}

    /**
     * Makes {@link #out()} and {@link #err()} these streams: {@code torch4j} calls this when it runs a
     * command line it parsed itself, without building picocli's model of the command. Returns this command.
     */
    public final Torch4jCommand useStreams(PrintWriter out, PrintWriter err) {
        this.directOut = out;
        this.directErr = err;
        return this;
    }

    /** Standard output, for the command's result (text or JSON). */
    protected final PrintWriter out() {
        return directOut != null ? directOut : spec.commandLine().getOut();
    }

    /** Standard error, for progress and warnings (errors are thrown, not printed). */
    protected final PrintWriter err() {
        return directErr != null ? directErr : spec.commandLine().getErr();
    }

    /**
     * A usage error (exit {@value ExitCodes#BAD_INPUT}), reported with a pointer to the command's help:
     * a picocli {@code ParameterException}, declared as RuntimeException so that verifying a command's
     * {@code throw usage(...)} does not load picocli's classes (Java 5 class files, which the class-data
     * archive cannot hold: reading them from the jar cost a cold {@code inspect} ~2 ms).
     */
    protected final RuntimeException usage(String message) {
        // Run directly, the command has no model yet: building one (rare, errors only) injects spec.
        if (spec == null) new CommandLine(this);
        return UsageError.of(spec.commandLine(), message);
    }
}
