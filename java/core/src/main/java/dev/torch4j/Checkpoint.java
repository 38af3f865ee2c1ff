package dev.torch4j;

import dev.torch4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An opened PyTorch file. Tensor data stays in the (memory-mapped) file until read; close the
 * checkpoint when done with its tensors.
 *
 * <p><b>Thread safety:</b> once {@link Torch#open} returns, a checkpoint and every {@link Tensor}
 * it gives out may be read from any number of threads at once (the maps are unmodifiable, the
 * mapped bytes are read without shared positions). {@link #close()} must not race with reads:
 * close it after every reader is done; reading a closed checkpoint's tensors fails.
 */
public interface Checkpoint extends AutoCloseable {
    Path path();

    Format format();

    /** The whole object tree, as {@link Torch#load(Path)} returns it. */
    Object root();

    /**
     * Every tensor reachable from the root, in file order, by dotted path ({@code model.l1.weight};
     * list and tuple indices are path segments; the root tensor is {@code ""}). Module placeholders
     * contribute their parameters and buffers under PyTorch's state_dict names.
     */
    Map<String, Tensor> tensors();

    /** The tensors a user means by "the weights": the file itself, or its state_dict/model/module entry. */
    Map<String, Tensor> stateDict();

    /**
     * {@link #stateDict()} with {@code prefix} removed from the names that start with it (other
     * names are kept as they are), as {@code model.} must be removed from a Lightning checkpoint's
     * names before {@code load_state_dict} on the bare model.
     *
     * @param prefix the prefix to remove, e.g. {@code "model."}; empty removes nothing
     * @throws IllegalArgumentException when removing it would give two tensors the same name
     */
    default Map<String, Tensor> stateDict(String prefix) {
        Map<String, Tensor> all = stateDict();
        if (prefix == null || prefix.isEmpty()) return all;
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(prefix) && name.length() > prefix.length()) name = name.substring(prefix.length());
            String previous = origin.putIfAbsent(name, e.getKey());
            if (previous != null) {
                throw new IllegalArgumentException("removing the prefix '" + prefix + "' gives both " + previous
                        + " and " + e.getKey() + " the name " + name);
            }
            out.put(name, e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Format-specific facts, in a stable order: archive version, byte order, pickle protocol,
     * Lightning epoch/global_step/version, mobile bytecode version and operators...
     */
    Map<String, Object> metadata();

    @Override void close();
}
