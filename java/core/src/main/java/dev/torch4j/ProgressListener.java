package dev.torch4j;

/** Told how many tensor-data bytes were just written (for progress bars); called from the writing thread. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = bytes -> { };

    void written(long bytes);
}
