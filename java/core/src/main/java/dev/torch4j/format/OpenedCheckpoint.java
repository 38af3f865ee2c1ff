package dev.torch4j.format;

import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.StateDicts;
import dev.torch4j.read.TensorPaths;
import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.numpy.ArrayViews;
import dev.torch4j.tensor.Tensor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/** A file read by {@link TorchReader}; tensor paths and the state dict are worked out on first use. */
final class OpenedCheckpoint implements Checkpoint {
    private final Path path;
    private final LoadedFile loaded;
    private final Closeable resource;
    private Map<String, Tensor> tensors;
    private Map<String, Tensor> stateDict;

    private final boolean torchTensorsOnly;

    /** @param torchTensorsOnly leave numpy arrays and scalars out of the tensor lists (PyTorch's own view) */
    OpenedCheckpoint(Path path, LoadedFile loaded, Closeable resource, boolean torchTensorsOnly) {
        this.torchTensorsOnly = torchTensorsOnly;
        this.path = path;
        this.loaded = loaded;
        this.resource = resource;
    }

    @Override public Path path() { return path; }
    @Override public Format format() { return loaded.format(); }
    @Override public Object root() { return loaded.root(); }

    @Override public synchronized Map<String, Tensor> tensors() {
        if (tensors == null) {
            Map<String, Tensor> all = TensorPaths.collect(loaded.root(), loaded.scriptClasses());
            if (torchTensorsOnly) all.values().removeIf(ArrayViews::isNumpy);
            tensors = Collections.unmodifiableMap(all);
        }
        return tensors;
    }

    @Override public synchronized Map<String, Tensor> stateDict() {
        if (stateDict == null) {
            Map<String, Tensor> selected = new java.util.LinkedHashMap<>(StateDicts.select(loaded.root(), tensors(), loaded.scriptClasses()));
            if (torchTensorsOnly) selected.values().removeIf(ArrayViews::isNumpy);
            stateDict = Collections.unmodifiableMap(selected);
        }
        return stateDict;
    }

    @Override public Map<String, Object> metadata() {
        return Collections.unmodifiableMap(loaded.metadata());
    }

    @Override public void close() {
        try {
            if (resource != null) resource.close();
        } catch (IOException ignored) {
            // nothing to release eagerly: the mapping goes with the garbage collector
        }
    }

    @Override public String toString() {
        return "Checkpoint[" + path + ", " + format().id() + "]";
    }
}
