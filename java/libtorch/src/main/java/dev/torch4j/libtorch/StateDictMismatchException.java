package dev.torch4j.libtorch;

import java.io.IOException;

/** Weights that do not fit a module (missing/unexpected keys, wrong shapes), with the full report. */
public final class StateDictMismatchException extends IOException {
    @java.io.Serial private static final long serialVersionUID = 1L;
    private final MatchReport report;

    public StateDictMismatchException(String source, MatchReport report) {
        super("weights from " + source + " do not fit the module:\n" + report.describe());
        this.report = report;
    }

    public MatchReport report() {
        return report;
    }
}
