package dev.torch4j.stats;

/**
 * Told how far a statistics pass has got, in bytes of tensor data read. Calls come from the worker
 * threads but never at the same time (the caller serialises them).
 */
@FunctionalInterface
public interface StatsProgress {
    StatsProgress NONE = (done, total) -> { };

    void update(long doneBytes, long totalBytes);
}
