package dev.torch4j.python;

/** A Python {@code slice(start, stop, step)}; each part as pickled (usually Long or null). */
public record PySlice(Object start, Object stop, Object step) {
}
