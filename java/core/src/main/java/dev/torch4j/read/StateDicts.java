package dev.torch4j.read;

import dev.torch4j.torchscript.ScriptClasses;
import dev.torch4j.python.PyObject;
import dev.torch4j.tensor.Tensor;

import java.util.List;
import java.util.Map;

/** Picks what a user means by "the weights" of a file. */
public final class StateDicts {
    /** Entries that training scripts use for the model weights, in order of preference. */
    private static final List<String> WEIGHT_KEYS = List.of("state_dict", "model_state_dict", "model", "module", "net");

    private StateDicts() {}

    public static Map<String, Tensor> select(Object root, Map<String, Tensor> allTensors, ScriptClasses classes) {
        if (root instanceof Map<?, ?> m) {
            if (!m.isEmpty() && m.values().stream().allMatch(v -> v instanceof Tensor)) return allTensors;
            for (String key : WEIGHT_KEYS) {
                Object v = m.get(key);
                if (v instanceof Map<?, ?> || v instanceof PyObject) {
                    Map<String, Tensor> inner = TensorPaths.collect(v, classes);
                    if (!inner.isEmpty()) return inner;
                }
            }
        }
        return allTensors;
    }
}
