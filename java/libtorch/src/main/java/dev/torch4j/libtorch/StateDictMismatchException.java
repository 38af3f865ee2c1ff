package dev.torch4j.libtorch;

import java.io.IOException;

/** Weights that do not fit a module (missing/unexpected keys, wrong shapes), with the full report. */
public final class StateDictMismatchException extends IOException implements dev.torch4j.Torch4jFailure {
    @java.io.Serial private static final long serialVersionUID = 1L;

    /** {@link dev.torch4j.ErrorKind#BACKEND_FAILED}: the module refuses these weights. */
    @Override public dev.torch4j.ErrorKind kind() { return dev.torch4j.ErrorKind.BACKEND_FAILED; }

    private final MatchReport report;

    public StateDictMismatchException(String source, MatchReport report) {
        super("weights from " + source + " do not fit the module:\n" + report.describe());
        this.report = report;
    }

    public MatchReport report() {
        return report;
    }
}
