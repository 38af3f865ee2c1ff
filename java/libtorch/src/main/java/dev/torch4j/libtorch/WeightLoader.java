package dev.torch4j.libtorch;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.JitModule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies weights read by torch4j (a state_dict, a Lightning checkpoint's {@code state_dict}, any
 * tensor map) into a TorchScript module's parameters and buffers, matching by name like
 * {@code load_state_dict}: shapes must agree; with {@code strict}, every module key must be given and
 * no other key may be. Weight tensors are handed over zero-copy and copied once, into the module.
 */
// PointerScope blocks free native memory on exit; the scope variable itself is not used.
@SuppressWarnings("try")
public final class WeightLoader {
    private final String stripPrefix;
    private final boolean strict;

    /**
     * @param stripPrefix removed from the start of weight names that have it ({@code model.} for
     *                    Lightning checkpoints); null or empty for none
     * @param strict      like {@code load_state_dict(strict=True)}
     */
    public WeightLoader(String stripPrefix, boolean strict) {
        this.stripPrefix = stripPrefix == null ? "" : stripPrefix;
        this.strict = strict;
    }

    /** Compares without copying anything. */
    public MatchReport check(ScriptModel model, Map<String, Tensor> weights) {
        return model.read(m -> {
            try (PointerScope scope = new PointerScope()) {
                return match(targets(m), strip(weights));
            }
        });
    }

    /**
     * Copies the weights into the module, or changes nothing and throws when they do not fit.
     *
     * @param source names the weights in messages (their file)
     */
    public MatchReport load(ScriptModel model, Map<String, Tensor> weights, String source) throws StateDictMismatchException {
        Map<String, Tensor> named = strip(weights);
        MatchReport report = model.read(m -> {
            try (PointerScope scope = new PointerScope()) {
                Map<String, Target> targets = targets(m);
                MatchReport r = match(targets, named);
                if (!r.acceptable(strict)) return r;
                try (TensorArena arena = new TensorArena()) {
                    for (String key : r.matched()) {
                        org.bytedeco.pytorch.Tensor src = arena.borrow(named.get(key));
                        // detach(): parameters require grad, and autograd forbids in-place writes to them.
                        targets.get(key).tensor().detach().copy_(src);
                    }
                } catch (RuntimeException e) {
                    throw NativeTensors.rethrow("copying weights from " + source, e);
                }
                return r;
            }
        });
        if (!report.acceptable(strict)) throw new StateDictMismatchException(source, report);
        return report;
    }

    private record Target(org.bytedeco.pytorch.Tensor tensor, long[] shape, DType dtype) {}

    private static Map<String, Target> targets(JitModule m) {
        Map<String, Target> out = new LinkedHashMap<>();
        ModuleState.of(m, ModuleState.Kind.BOTH).forEach((name, t) ->
                out.put(name, new Target(t, t.sizes().vec().get(), DTypes.fromNative(t.scalar_type()))));
        return out;
    }

    private Map<String, Tensor> strip(Map<String, Tensor> weights) {
        if (stripPrefix.isEmpty()) return weights;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            String k = e.getKey();
            out.put(k.startsWith(stripPrefix) ? k.substring(stripPrefix.length()) : k, e.getValue());
        }
        return out;
    }

    private MatchReport match(Map<String, Target> targets, Map<String, Tensor> weights) {
        List<String> matched = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        List<String> dtypeMismatches = new ArrayList<>();
        List<String> casts = new ArrayList<>();
        for (Map.Entry<String, Target> e : targets.entrySet()) {
            String key = e.getKey();
            Tensor w = weights.get(key);
            if (w == null) {
                missing.add(key);
                continue;
            }
            Target t = e.getValue();
            if (!Arrays.equals(w.shape(), t.shape())) {
                shapes.add(key + ": weights " + Arrays.toString(w.shape()) + " vs module " + Arrays.toString(t.shape()));
                continue;
            }
            if (w.dtype().kind() == DType.Kind.QUANTIZED) {
                dtypeMismatches.add(key + ": " + w.dtype().pythonName() + " (quantized) cannot be copied");
                continue;
            }
            if (w.dtype() != t.dtype()) {
                String change = key + ": " + w.dtype().pythonName() + " -> " + t.dtype().pythonName();
                if (w.dtype().isFloatingPoint() && t.dtype().isFloatingPoint()) {
                    casts.add(change);
                } else {
                    dtypeMismatches.add(change);
                    if (strict) continue;
                }
            }
            matched.add(key);
        }
        for (String key : weights.keySet()) {
            if (!targets.containsKey(key)) unexpected.add(key);
        }
        return new MatchReport(matched, missing, unexpected, shapes, dtypeMismatches, casts,
                hint(targets, weights, matched.size()));
    }

    /** When a prefix on the weight names hides matches ({@code model.}, {@code module.}), name it. */
    private String hint(Map<String, Target> targets, Map<String, Tensor> weights, int matched) {
        if (matched == targets.size()) return null;
        Map<String, Integer> counts = new HashMap<>();
        for (String w : weights.keySet()) {
            for (int i = w.indexOf('.'); i >= 0; i = w.indexOf('.', i + 1)) {
                if (targets.containsKey(w.substring(i + 1))) {
                    counts.merge(w.substring(0, i + 1), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = null;
        int bestCount = matched;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best == null ? null : "--strip-prefix " + best + " would match " + bestCount + " of "
                + targets.size() + " module tensors";
    }
}
