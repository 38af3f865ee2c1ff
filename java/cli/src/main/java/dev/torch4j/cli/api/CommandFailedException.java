package dev.torch4j.cli.api;

import dev.torch4j.spi.ExitCodes;

/**
 * A failure whose exit status is not the one {@link ExitCodes#of} gives by its type: the command ran
 * and what it ran failed ({@code run}: the model raised on these inputs, exit {@value ExitCodes#FINDING}).
 * The message is the one line the user sees after {@code torch4j: }, so it names the user's file.
 */
public final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CommandFailedException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The command ran and found a failure or a difference: exit {@value ExitCodes#FINDING}. */
    public static CommandFailedException finding(String message, Throwable cause) {
        return new CommandFailedException(ExitCodes.FINDING, message, cause);
    }

    /** Bad input that only showed when used (a tensor of the wrong shape): exit {@value ExitCodes#BAD_INPUT}. */
    public static CommandFailedException badInput(String message, Throwable cause) {
        return new CommandFailedException(ExitCodes.BAD_INPUT, message, cause);
    }

    /** The status the command ends with. */
    public int exitCode() {
        return exitCode;
    }
}
