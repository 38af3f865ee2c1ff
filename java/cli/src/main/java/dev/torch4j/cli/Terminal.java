package dev.torch4j.cli;

import dev.torch4j.spi.ProgressBar;

import java.io.PrintWriter;

/** Progress for counted steps through the one shared {@link ProgressBar} (drawn only on a terminal). */
final class Terminal {
    private Terminal() {}

    static boolean stderrIsTerminal() {
        return ProgressBar.stderrIsTerminal();
    }

    /** A progress reporter for {@code total} steps; silent when {@code enabled} is false. */
    static Progress progress(PrintWriter err, String what, int total, boolean enabled) {
        return new Progress(enabled ? ProgressBar.start(err, what, total, ProgressBar.Unit.ITEMS) : null);
    }

    static final class Progress implements java.util.function.IntConsumer, AutoCloseable {
        private final ProgressBar bar;

        private Progress(ProgressBar bar) {
            this.bar = bar;
        }

        @Override public void accept(int done) {
            if (bar != null) bar.set(done);
        }

        /** Erases the progress line (before printing results under it); safe to call more than once. */
        void clear() {
            if (bar != null) bar.close();
        }

        @Override public void close() {
            clear();
        }
    }
}
