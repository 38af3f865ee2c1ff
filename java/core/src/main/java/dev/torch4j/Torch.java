package dev.torch4j;

import dev.torch4j.format.TorchReader;
import dev.torch4j.torchsave.zip.TorchSaver;

import java.io.IOException;
import java.nio.file.Path;

/** Entry point: open or load any PyTorch (or safetensors) file, whatever its extension says; save one. */
public final class Torch {
    private Torch() {}

    /** Opens a file for lazy access to its tensors. */
    public static Checkpoint open(Path file) throws IOException {
        return open(file, LoadOptions.DEFAULT);
    }

    public static Checkpoint open(Path file, LoadOptions options) throws IOException {
        return TorchReader.open(file, options);
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
        // Not closed: the tree's tensors keep reading from the mapping, released with them by the GC.
        return TorchReader.open(file, options).root();
    }

    /**
     * Writes {@code root} (Map, List, PyTuple, String, numbers, Boolean, null, byte[], Tensor) as a
     * torch.save zip that {@code torch.load(weights_only=True)} accepts. Atomic: a temporary file beside
     * the target is fsynced and renamed into place, so a failure never leaves a partial file.
     */
    public static void save(Object root, Path file) throws IOException {
        TorchSaver.save(root, file);
    }
}
