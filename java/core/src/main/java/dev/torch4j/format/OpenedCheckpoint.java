package dev.torch4j.format;

import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.StateDicts;
import dev.torch4j.read.TensorPaths;
import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.numpy.ArrayViews;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/** A file read by {@link TorchReader}; tensor paths and the state dict are worked out on first use. */
final class OpenedCheckpoint implements Checkpoint {
    /** The path, what to close, and whether to leave numpy arrays and scalars out of the tensor lists (PyTorch's own view). */
    private final ContainerFormat.Opening opening;
    private final LoadedFile loaded;
    private Map<String, Tensor> tensors;
    private Map<String, Tensor> stateDict;

    OpenedCheckpoint(ContainerFormat.Opening opening, LoadedFile loaded) {
        this.opening = opening;
        this.loaded = loaded;
    }

    private boolean torchTensorsOnly() { return opening.options().torchTensorsOnly(); }

    @Override public Path path() { return opening.path(); }
    @Override public Format format() { return loaded.format(); }
    @Override public Object root() { return loaded.root(); }

    @Override public synchronized Map<String, Tensor> tensors() {
        if (tensors == null) {
            Map<String, Tensor> all = TensorPaths.collect(loaded.root(), loaded.scriptClasses());
            if (torchTensorsOnly()) removeNumpy(all);
            tensors = Collections.unmodifiableMap(all);
        }
        return tensors;
    }

    /**
     * Drops numpy arrays (inspect --torch-tensors-only). A loop, not removeIf with a method reference: a short
     * command's first lambda initialises java.lang.invoke (several ms of a 0.2 s inspect); see docs/building.md.
     */
    private static void removeNumpy(Map<String, Tensor> tensors) {
        for (java.util.Iterator<Tensor> it = tensors.values().iterator(); it.hasNext(); ) {
            if (ArrayViews.isNumpy(it.next())) it.remove();
        }
    }

    @Override public synchronized Map<String, Tensor> stateDict() {
        if (stateDict == null) {
            Map<String, Tensor> selected = new java.util.LinkedHashMap<>(StateDicts.select(loaded.root(), tensors(), loaded.scriptClasses()));
            if (torchTensorsOnly()) removeNumpy(selected);
            stateDict = Collections.unmodifiableMap(selected);
        }
        return stateDict;
    }

    @Override public Map<String, Object> metadata() {
        return Collections.unmodifiableMap(loaded.metadata());
    }

    @Override public void close() {
        try {
            opening.resource().close();
        } catch (IOException ignored) {
            // nothing to release eagerly: the mapping goes with the garbage collector
        }
    }

    @Override public String toString() {
        return "Checkpoint[" + path() + ", " + format().id() + "]";
    }
}
