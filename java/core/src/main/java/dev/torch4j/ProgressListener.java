package dev.torch4j;

/** Told how many tensor-data bytes were just written (for progress bars); called from the writing thread. */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = bytes -> { };

    /**
     * Called with the number of bytes just written.
     *
     * @param bytes bytes written since the last call
     */
    void written(long bytes);

    /**
     * Called once before writing starts, with the total number of bytes that will be reported.
     *
     * @param totalBytes the sum of all {@link #written} calls to come
     */
    default void expect(long totalBytes) { }
}
