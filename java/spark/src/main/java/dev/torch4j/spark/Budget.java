package dev.torch4j.spark;

import java.io.IOException;
import java.io.Serializable;

/**
 * What one file may cost a task: its size, the bytes read from it, and wall time. The time limit
 * is enforced twice: every read checks the deadline (a file that keeps asking for bytes stops at
 * its next read), and {@link FileWork} stops waiting for a file whose parsing never reads again.
 */
record Budget(long maxFileBytes, long maxReadBytes, long timeoutMillis, long deadlineNanos) implements Serializable {
    static final long DEFAULT_MAX_FILE_BYTES = 1L << 40;   // 1 TiB: larger is no checkpoint anyone saves
    static final long DEFAULT_TIMEOUT_MILLIS = 600_000;    // 10 minutes: hashing 10 GB from object storage fits

    static Budget of(long maxFileBytes, long maxReadBytes, long timeoutMillis) {
        return new Budget(maxFileBytes, maxReadBytes, timeoutMillis, 0);
    }

    /** This budget with its clock started now. */
    Budget started() {
        return new Budget(maxFileBytes, maxReadBytes, timeoutMillis, System.nanoTime() + timeoutMillis * 1_000_000);
    }

    void checkSize(String file, long size) throws IOException {
        if (size > maxFileBytes) {
            throw new IOException(file + ": " + size + " bytes, over the per-file budget of " + maxFileBytes + " bytes");
        }
    }

    void check(String file, long readSoFar) throws IOException {
        if (readSoFar > maxReadBytes) {
            throw new IOException(file + ": read " + readSoFar + " bytes, over the per-file budget of " + maxReadBytes + " bytes");
        }
        if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos > 0) {
            throw new IOException(file + ": over the per-file time budget of " + timeoutMillis + " ms");
        }
    }
}
