package dev.torch4j.spi;

/**
 * The exit statuses of every {@code torch4j} command, including those optional modules add. Scripts
 * can rely on them: {@value #OK} success, {@value #FINDING} a finding or a difference (a dangerous
 * pickle, files that differ), {@value #BAD_INPUT} bad usage or input that cannot be read or used
 * (nothing was written), {@value #BACKEND_MISSING} an optional native backend the command needs is
 * not available here (nothing was attempted).
 */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command ran and found something: a dangerous or unknown global ({@code scan} is default-deny), a difference. */
    public static final int FINDING = 1;
    /** Usage error, unreadable or unusable input, an output that exists without {@code --force}. */
    public static final int BAD_INPUT = 2;
    /** libtorch or the torch4j native library is needed and does not load. */
    public static final int BACKEND_MISSING = 3;

    private ExitCodes() {}

    /** The status a command ends with when it fails with {@code failure}. */
    public static int of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BackendUnavailableException) return BACKEND_MISSING;
        }
        return BAD_INPUT;
    }
}
