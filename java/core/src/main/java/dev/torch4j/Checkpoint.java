package dev.torch4j;

import dev.torch4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.Map;

/**
 * An opened PyTorch file. Tensor data stays in the (memory-mapped) file until read; close the
 * checkpoint when done with its tensors.
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
     * Format-specific facts, in a stable order: archive version, byte order, pickle protocol,
     * Lightning epoch/global_step/version, mobile bytecode version and operators...
     */
    Map<String, Object> metadata();

    @Override void close();
}
