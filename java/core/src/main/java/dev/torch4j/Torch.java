package dev.torch4j;

import java.io.IOException;
import java.nio.file.Path;

/** Entry point: open or load any PyTorch file, whatever its extension says. */
public final class Torch {
    private Torch() {}

    /** Opens a file for lazy access to its tensors. */
    public static Checkpoint open(Path file) throws IOException {
        return open(file, LoadOptions.DEFAULT);
    }

    public static Checkpoint open(Path file, LoadOptions options) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Loads the object tree (Map in file order, List, PyTuple, Tensor, String, Long, Double, Boolean,
     * byte[], null, PyObject placeholders). Tensor data is mapped lazily and stays valid while
     * reachable.
     */
    public static Object load(Path file) throws IOException {
        return load(file, LoadOptions.DEFAULT);
    }

    public static Object load(Path file, LoadOptions options) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }
}
