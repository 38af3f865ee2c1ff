package dev.torch4j;

/**
 * What kind of failure a torch4j exception reports, for programs that react to failures without
 * parsing messages (the CLI's {@code --json} output carries it as {@code errorKind}). Every
 * torch4j failure ({@link Torch4jFailure}) has exactly one kind.
 */
public enum ErrorKind {
    /** The input ends before a structure it announces (a cut download, a partial copy). */
    TRUNCATED,
    /** The bytes are not what the format requires at that place (damaged or forged input). */
    CORRUPT,
    /**
     * A length, count or nesting depth is above a limit torch4j keeps against hostile input; the
     * message names the setting that raises it.
     */
    LIMIT,
    /** Well-formed input that uses something torch4j does not read or write (a newer version, a feature). */
    UNSUPPORTED,
    /** The input would run code when loaded by Python (a dangerous pickle global); nothing was run. */
    UNSAFE,
    /** The operating system failed to read or write (no such file, permission, disk full). */
    IO,
    /** An optional native backend (libtorch, the native library) is needed and does not load here. */
    BACKEND_UNAVAILABLE,
    /** A backend refused an operation on a well-formed model (a shape mismatch in forward, weights that do not fit). */
    BACKEND_FAILED;

    /** The lower-case id used in JSON output ({@code truncated}, {@code backend_unavailable}...). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
