package dev.torch4j.cli.api;

import dev.torch4j.ErrorKind;
import dev.torch4j.Torch4jFailure;
import dev.torch4j.TorchFileException;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Turns any exception into the one-line message users see: it names the user's file (the atomic
 * writer already reports the target, never its temporary file) and never a Java class name.
 */
public final class Errors {
    private Errors() {}

    /**
     * What kind of failure {@code e} is, for {@code --json} output: a torch4j failure's own kind,
     * {@link ErrorKind#IO} for other I/O failures, else {@link ErrorKind#CORRUPT}.
     */
    public static ErrorKind kind(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) e = u.getCause();
        if (e instanceof Torch4jFailure f) return f.kind();
        return e instanceof java.io.IOException ? ErrorKind.IO : ErrorKind.CORRUPT;
    }

    /** The line after {@code torch4j: } for {@code e}. */
    public static String message(Throwable e) {
        if (e instanceof CommandFailedException) return e.getMessage(); // the command worded it for the user
        if (e instanceof UncheckedIOException u && u.getCause() != null) e = u.getCause();
        if (e instanceof TorchFileException) return e.getMessage(); // already names file, entry and offset
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "already exists") + " (use --force to replace it)";
        }
        if (e instanceof NoSuchFileException n) return n.getFile() + ": " + (n.getReason() != null ? n.getReason() : "no such file");
        if (e instanceof AccessDeniedException a) return a.getFile() + ": permission denied";
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "cannot be accessed");
        }
        if (e instanceof UnsupportedOperationException) {
            return "not supported yet" + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        String m = e.getMessage();
        if (e instanceof picocli.CommandLine.ParameterException && m != null) return m + " (see 'torch4j --help')";
        boolean expected = e instanceof java.io.IOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException;
        if (m == null || m.isBlank()) return "internal error (run again with --debug to see where)";
        // Other runtime exceptions are bugs of ours: say so, without Java jargon.
        return expected ? m : "internal error: " + m + " (run again with --debug to see where)";
    }
}
