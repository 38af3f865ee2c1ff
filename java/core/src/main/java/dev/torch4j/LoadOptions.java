package dev.torch4j;


/** How to load: safety and resource limits. Immutable; {@link #DEFAULT} is safe. */
public record LoadOptions(boolean allowUnsafeGlobals, PickleLimits limits, long maxEntryBytes) {
    /** Refuses dangerous globals; default limits; decompressed pickles up to 2 GiB. */
    public static final LoadOptions DEFAULT = new LoadOptions(false, PickleLimits.DEFAULT, Integer.MAX_VALUE - 8);

    /** Loads files with dangerous globals anyway, inertly (they become placeholders, never run). */
    public LoadOptions withUnsafeGlobalsAllowed() {
        return new LoadOptions(true, limits, maxEntryBytes);
    }
}
