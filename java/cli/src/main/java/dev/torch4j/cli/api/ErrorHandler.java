package dev.torch4j.cli.api;

import dev.torch4j.spi.ExitCodes;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * The one error handler of every {@code torch4j} command: a failure is one line
 * {@code torch4j: <the user's path>: <cause>} on stderr ({@link Errors#message}), the stack trace only
 * with {@code --debug}, and the exit status from {@link ExitCodes} ({@link CommandFailedException}
 * carries its own). {@code torch4j}'s {@code Main} installs it on the whole tree; tests of a module's
 * command install it on that command alone and see what users see.
 */
public final class ErrorHandler {
    private ErrorHandler() {}

    /** Installs the handler on {@code cl}, printing to its error stream; returns {@code cl}. */
    public static CommandLine install(CommandLine cl, boolean debug) {
        cl.setParameterExceptionHandler((ex, ignored) -> report(ex.getCommandLine().getErr(), ex, debug, ExitCodes.BAD_INPUT));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                report(commandLine.getErr(), ex, debug, exitCode(ex)));
        return cl;
    }

    /**
     * Reports the failure of a command that {@code torch4j} ran without picocli (its direct path for common
     * command lines) exactly as the handlers {@link #install} sets would: the same line on {@code err}, the
     * trace under {@code debug}, the same status (a usage error thrown by the command is {@value ExitCodes#BAD_INPUT}).
     */
    public static int reportDirect(PrintWriter err, Exception failure, boolean debug) {
        int status = failure instanceof CommandLine.ParameterException ? ExitCodes.BAD_INPUT : exitCode(failure);
        return report(err, failure, debug, status);
    }

    /** The status a failed command ends with: its own for {@link CommandFailedException}, else by type. */
    public static int exitCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CommandFailedException c) return c.exitCode();
        }
        return ExitCodes.of(failure);
    }

    private static int report(PrintWriter err, Exception ex, boolean debug, int status) {
        err.println("torch4j: " + Errors.message(ex));
        if (debug) ex.printStackTrace(err);
        err.flush();
        return status;
    }
}
