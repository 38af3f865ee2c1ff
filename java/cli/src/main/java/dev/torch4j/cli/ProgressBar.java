package dev.torch4j.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for byte counts ({@code [#####-----]  52%  1.2 GiB / 2.3 GiB}),
 * drawn only when enabled (stderr is a terminal) and at most ten times a second. Safe to call from
 * several threads.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final String what;
    private final boolean enabled;
    private long lastPrint;
    private boolean printed;

    ProgressBar(PrintWriter err, String what, boolean enabled) {
        this.err = err;
        this.what = what;
        this.enabled = enabled;
    }

    synchronized void update(long done, long total) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (now - lastPrint < 100_000_000L && done < total) return;
        lastPrint = now;
        printed = true;
        double share = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(share * WIDTH);
        err.print(String.format(Locale.ROOT, "\r%s [%s%s] %3d%%  %s / %s", what, "#".repeat(filled), "-".repeat(WIDTH - filled),
                Math.round(share * 100), InspectText.bytes(done), InspectText.bytes(total)));
        err.flush();
    }

    @Override public synchronized void close() {
        if (printed) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
