package dev.torch4j.cli.api;

/**
 * The lines of the {@code Exit codes:} section of a command's help ({@code @Command(exitCodeList = ...)}),
 * one per status of {@link dev.torch4j.spi.ExitCodes}, so that every command describes a status the same
 * way and the convention table in docs/commands.md is read from the commands themselves.
 */
public final class ExitCodeLists {
    /** The heading of the section. */
    public static final String HEADING = "%nExit codes:%n";
    public static final String OK = "0:success";
    public static final String FINDING = "1:a finding or a difference";
    public static final String BAD_INPUT = "2:usage error or bad input; nothing written";
    public static final String BACKEND_MISSING = "3:a native backend the command needs is missing; nothing attempted";

    private ExitCodeLists() {}
}
