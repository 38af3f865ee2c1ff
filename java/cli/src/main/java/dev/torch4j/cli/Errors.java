package dev.torch4j.cli;

import dev.torch4j.TorchFileException;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns any exception into the one-line message users see. */
final class Errors {
    private Errors() {}

    static String message(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) e = u.getCause();
        if (e instanceof TorchFileException) return e.getMessage(); // already names file, entry and offset
        if (e instanceof NoSuchFileException n) return n.getFile() + ": no such file";
        if (e instanceof AccessDeniedException a) return a.getFile() + ": permission denied";
        if (e instanceof UnsupportedOperationException) {
            return "not supported yet" + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        // Internal failures keep their type so bug reports say what broke.
        return e instanceof java.io.IOException ? m : e.getClass().getSimpleName() + ": " + m;
    }
}
