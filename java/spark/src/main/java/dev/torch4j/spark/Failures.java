package dev.torch4j.spark;

import dev.torch4j.TorchFileException;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;

/** Turns a failure into the one-line message an error row carries (it names the file, never a Java class where avoidable). */
final class Failures {
    private Failures() {}

    static String message(Throwable e) {
        while ((e instanceof UncheckedIOException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof TorchFileException) return e.getMessage(); // already names file, entry and offset
        if (e instanceof FileNotFoundException f) return f.getMessage() + ": no such file";
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        return e instanceof java.io.IOException ? m : e.getClass().getSimpleName() + ": " + m;
    }
}
