package dev.torch4j;


/**
 * How to load: safety and resource limits, and which tensors to list. Immutable; {@link #DEFAULT} is safe.
 *
 * @param torchTensorsOnly list only PyTorch tensors in {@link Checkpoint#tensors()} and
 *                         {@link Checkpoint#stateDict()}, leaving out numpy arrays and numpy scalars
 *                         (which torch4j otherwise shows as tensors too): exactly PyTorch's view
 */
public record LoadOptions(boolean allowUnsafeGlobals, PickleLimits limits, long maxEntryBytes, boolean torchTensorsOnly) {
    /** Refuses dangerous globals; default limits; decompressed pickles up to 2 GiB; numpy arrays listed as tensors. */
    public static final LoadOptions DEFAULT = new LoadOptions(false, PickleLimits.DEFAULT, Integer.MAX_VALUE - 8, false);

    public LoadOptions(boolean allowUnsafeGlobals, PickleLimits limits, long maxEntryBytes) {
        this(allowUnsafeGlobals, limits, maxEntryBytes, false);
    }

    /** Loads files with dangerous globals anyway, inertly (they become placeholders, never run). */
    public LoadOptions withUnsafeGlobalsAllowed() {
        return new LoadOptions(true, limits, maxEntryBytes, torchTensorsOnly);
    }

    /**
     * Lists only what PyTorch itself calls tensors: numpy arrays and scalars (in plain pickles, joblib
     * files, optimizer states, {@code .npy}/{@code .npz} files) stay in the object tree but are left
     * out of {@link Checkpoint#tensors()} and {@link Checkpoint#stateDict()}.
     */
    public LoadOptions withTorchTensorsOnly() {
        return new LoadOptions(allowUnsafeGlobals, limits, maxEntryBytes, true);
    }
}
