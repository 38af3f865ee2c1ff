package dev.torch4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Progress lines on stderr, only when stderr is a terminal: never in pipes, logs or tests. */
final class Terminal {
    private Terminal() {}

    /** Linux tells through /proc where fd 2 points; elsewhere, a console means an interactive session. */
    static boolean stderrIsTerminal() {
        try {
            Path fd2 = Path.of("/proc/self/fd/2");
            if (Files.exists(fd2, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception e) {
            // fall through
        }
        return System.console() != null;
    }

    /** A progress reporter for {@code total} steps, or a no-op when {@code enabled} is false. */
    static Progress progress(PrintWriter err, String what, int total, boolean enabled) {
        return new Progress(err, what, total, enabled);
    }

    static final class Progress implements java.util.function.IntConsumer, AutoCloseable {
        private final PrintWriter err;
        private final String what;
        private final int total;
        private final boolean enabled;
        private long lastPrint;
        private boolean printed;

        private Progress(PrintWriter err, String what, int total, boolean enabled) {
            this.err = err;
            this.what = what;
            this.total = total;
            this.enabled = enabled;
        }

        @Override public void accept(int done) {
            if (!enabled) return;
            long now = System.nanoTime();
            if (now - lastPrint < 100_000_000L && done < total) return; // at most ten updates a second
            lastPrint = now;
            printed = true;
            err.print("\r" + what + " " + done + "/" + total);
            err.flush();
        }

        @Override public void close() {
            if (printed) {
                err.print("\r\033[K"); // clear the progress line
                err.flush();
            }
        }
    }
}
