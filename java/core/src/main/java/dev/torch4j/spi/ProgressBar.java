package dev.torch4j.spi;

import dev.torch4j.ProgressListener;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one progress bar of every {@code torch4j} command: a label, a percentage and a bar when the
 * total is known, the amount done and the rate, redrawn at most ten times a second on one line of
 * stderr. It draws only when stderr is a terminal (never into pipes, logs or tests) and only once
 * the work has taken more than half a second, so quick commands print nothing. Not thread-safe:
 * one thread reports progress.
 */
public final class ProgressBar implements ProgressListener, AutoCloseable {
    /** How amounts are shown. */
    public enum Unit {
        /** Bytes, shown as KiB/MiB/GiB, rate per second. */
        BYTES,
        /** Items (tensors, files), shown as counts. */
        ITEMS
    }

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long QUIET_NANOS = 500_000_000L;
    private static final int WIDTH = 24;

    /** Where the bar draws; null when it never does (stderr is no terminal). */
    private final PrintWriter err;
    private final String label;
    private final Unit unit;
    private final long started = System.nanoTime();
    private long total;
    private long done;
    private long lastDraw;
    private boolean drawn;

    private ProgressBar(PrintWriter err, String label, long total, Unit unit) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.unit = unit;
    }

    /**
     * A bar on {@code err} that draws only when stderr is a terminal.
     *
     * @param total the amount of work, or 0 when not known yet (see {@link #expect})
     */
    public static ProgressBar start(PrintWriter err, String label, long total, Unit unit) {
        return new ProgressBar(stderrIsTerminal() ? err : null, label, total, unit);
    }

    /** A bar that draws whatever stderr is (for tests of the rendering). */
    static ProgressBar forced(PrintWriter err, String label, long total, Unit unit) {
        return new ProgressBar(err, label, total, unit);
    }

    /** Sets the total once it is known (writers call this before they start). */
    @Override public void expect(long totalAmount) {
        this.total = Math.max(0, totalAmount);
    }

    /** Adds {@code amount} to the work done. */
    @Override public void written(long amount) {
        done += amount;
        maybeDraw();
    }

    /** Sets the work done to {@code amount}. */
    public void set(long amount) {
        done = amount;
        maybeDraw();
    }

    /** The work done so far. */
    public long done() {
        return done;
    }

    private void maybeDraw() {
        if (err == null) return;
        long now = System.nanoTime();
        if (now - started < QUIET_NANOS || now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        drawn = true;
        err.print("\r" + render(now - started) + "\033[K");
        err.flush();
    }

    /** One line: {@code converting  42% [=========>    ] 1.2 GiB / 2.9 GiB  310.0 MiB/s}. */
    String render(long elapsedNanos) {
        StringBuilder sb = new StringBuilder(label);
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            sb.append(String.format(Locale.ROOT, " %3d%% [", (int) Math.floor(fraction * 100)));
            int filled = (int) Math.floor(fraction * WIDTH);
            for (int i = 0; i < WIDTH; i++) sb.append(i < filled ? '=' : i == filled ? '>' : ' ');
            sb.append("] ").append(amount(done)).append(" / ").append(amount(total));
        } else {
            sb.append(' ').append(amount(done));
        }
        double seconds = elapsedNanos / 1e9;
        if (seconds > 0) sb.append("  ").append(rate(done / seconds));
        return sb.toString();
    }

    private String amount(long n) {
        return unit == Unit.BYTES ? bytes(n) : Long.toString(n);
    }

    private String rate(double perSecond) {
        return unit == Unit.BYTES ? bytes((long) perSecond) + "/s" : String.format(Locale.ROOT, "%.1f/s", perSecond);
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Clears the line, so the command's own output starts at column 0. */
    @Override public void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }

    /** Linux tells through /proc where fd 2 points; elsewhere, a console means an interactive session. */
    public static boolean stderrIsTerminal() {
        try {
            Path fd2 = Path.of("/proc/self/fd/2");
            if (Files.exists(fd2, LinkOption.NOFOLLOW_LINKS)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through to the console check
        }
        return System.console() != null;
    }
}
