package dev.torch4j.read;

import dev.torch4j.rebuild.ParameterState;
import dev.torch4j.rebuild.SparseTensor;
import dev.torch4j.torchscript.ScriptClasses;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.numpy.NumpyArray;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names every tensor reachable from a root the way PyTorch users see them: dict keys and list
 * indices joined with dots; nn.Module placeholders by their state_dict names ({@code fc1.weight},
 * no {@code _modules}/{@code _parameters} segments); TorchScript modules by parameter and buffer
 * names. Cycles are cut; very deep or very large structures are cut at fixed bounds.
 */
public final class TensorPaths {
    // Real files nest a few dozen levels and hold at most millions of tensors. The bounds keep a
    // hostile tree within time and memory: shared lists can spell 2^40 distinct paths in 1 KB, and
    // each visit may add a map entry; deep recursion must also fit a default 1 MB thread stack.
    private static final int MAX_DEPTH = 256;
    private static final long MAX_VISITS = 1_000_000L;
    /**
     * A container met again (shared by memo, like a submodule registered twice) is walked again, so
     * its tensors get every name PyTorch's state_dict() gives them; but only within this many visits
     * in all, since a tower of lists sharing the one below spells 2^n names in n levels.
     */
    private static final long MAX_SHARED_VISITS = 10_000L;

    private final ScriptClasses scriptClasses;
    private final Map<String, Tensor> out = new LinkedHashMap<>();
    private final Set<Object> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Object> walked = Collections.newSetFromMap(new IdentityHashMap<>());
    private long visits;
    private long sharedVisits;
    /** How many shared containers enclose the current visit (walked for the second time or more). */
    private int insideShared;

    private TensorPaths(ScriptClasses scriptClasses) {
        this.scriptClasses = scriptClasses;
    }

    /** @param scriptClasses TorchScript class declarations, or null for pickles without them */
    public static Map<String, Tensor> collect(Object root, ScriptClasses scriptClasses) {
        TensorPaths walker = new TensorPaths(scriptClasses);
        walker.visit(root, "", 0);
        return walker.out;
    }

    private void visit(Object o, String path, int depth) {
        if (o == null || depth > MAX_DEPTH || ++visits > MAX_VISITS) return;
        if (insideShared > 0 && ++sharedVisits > MAX_SHARED_VISITS) return;
        if (o instanceof Tensor t) {
            out.putIfAbsent(path, t);
            return;
        }
        if (o instanceof ParameterState p) {
            if (p.tensor() != null) out.putIfAbsent(path, p.tensor());
            return;
        }
        if (o instanceof SparseTensor s) {
            for (Map.Entry<String, Tensor> e : s.components().entrySet()) out.putIfAbsent(join(path, e.getKey()), e.getValue());
            return;
        }
        if (o instanceof NumpyArray a) {
            visitObjectArray(a, path, depth);
            return;
        }
        if (!(o instanceof Map<?, ?> || o instanceof List<?> || o instanceof PyObject)) return;
        if (!onPath.add(o)) return; // a cycle
        boolean shared = !walked.add(o);
        if (shared) insideShared++;
        try {
            if (o instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) visit(e.getValue(), join(path, keyName(e.getKey())), depth + 1);
            } else if (o instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) visit(l.get(i), join(path, Integer.toString(i)), depth + 1);
            } else {
                visitObject((PyObject) o, path, depth);
            }
        } finally {
            onPath.remove(o);
            if (shared) insideShared--;
        }
    }

    /**
     * A numpy object array (dtype=object): a 0-d one stands for its single element ({@code .item()},
     * how a dict of normalisation statistics is saved with {@code np.save}), others name their
     * elements by index per dimension, like nested lists. Other placeholder arrays hold no tensor.
     */
    private void visitObjectArray(NumpyArray a, String path, int depth) {
        if (a.dtype() == null || !a.dtype().isObject() || !(a.data() instanceof List<?> items)) return;
        long[] shape = a.shape();
        if (shape.length == 0) {
            if (items.size() == 1) visit(items.get(0), path, depth + 1);
            return;
        }
        long numel = 1;
        for (long d : shape) numel = Math.multiplyExact(numel, d);
        if (numel != items.size()) return; // malformed: no indices to give
        for (int i = 0; i < items.size(); i++) {
            // numpy pickles an object array's elements in C order of their indices (its flat iterator).
            long[] index = new long[shape.length];
            long rest = i;
            for (int k = shape.length - 1; k >= 0; k--) {
                index[k] = rest % shape[k];
                rest /= shape[k];
            }
            StringBuilder p = new StringBuilder(path);
            for (long ix : index) {
                if (p.length() > 0) p.append('.');
                p.append(ix);
            }
            visit(items.get(i), p.toString(), depth + 1);
        }
    }

    private void visitObject(PyObject o, String path, int depth) {
        Map<Object, Object> attrs = o.attributes();
        if (isModule(attrs)) {
            visitModule(attrs, path, depth);
            return;
        }
        ScriptClasses.ClassInfo info = scriptClasses == null ? null : scriptClasses.lookup(o.type());
        if (info != null && info.module()) {
            visitScriptModule(attrs, info, path, depth);
            return;
        }
        for (Map.Entry<Object, Object> e : attrs.entrySet()) visit(e.getValue(), join(path, keyName(e.getKey())), depth + 1);
        for (Map.Entry<Object, Object> e : o.dictItems().entrySet()) visit(e.getValue(), join(path, keyName(e.getKey())), depth + 1);
        List<Object> items = o.listItems();
        for (int i = 0; i < items.size(); i++) visit(items.get(i), join(path, Integer.toString(i)), depth + 1);
        Object state = o.state();
        if (state != null && attrs.isEmpty() && !(state instanceof Map<?, ?>)) visit(state, path, depth + 1);
    }

    /** An nn.Module's instance dict: its parameters, persistent buffers, then submodules, like state_dict(). */
    static boolean isModule(Map<Object, Object> attrs) {
        return attrs.get("_parameters") instanceof Map<?, ?> && attrs.get("_modules") instanceof Map<?, ?>;
    }

    private void visitModule(Map<Object, Object> attrs, String path, int depth) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) attrs.get("_parameters")).entrySet()) {
            if (e.getValue() instanceof Tensor t) out.putIfAbsent(join(path, keyName(e.getKey())), t);
        }
        Object nonPersistent = attrs.get("_non_persistent_buffers_set");
        if (attrs.get("_buffers") instanceof Map<?, ?> buffers) {
            for (Map.Entry<?, ?> e : buffers.entrySet()) {
                if (nonPersistent instanceof Set<?> s && s.contains(e.getKey())) continue;
                if (e.getValue() instanceof Tensor t) out.putIfAbsent(join(path, keyName(e.getKey())), t);
            }
        }
        for (Map.Entry<?, ?> e : ((Map<?, ?>) attrs.get("_modules")).entrySet()) {
            visit(e.getValue(), join(path, keyName(e.getKey())), depth + 1);
        }
    }

    /** A TorchScript module: parameters, then buffers, then submodule attributes, in slot order. */
    private void visitScriptModule(Map<Object, Object> attrs, ScriptClasses.ClassInfo info, String path, int depth) {
        for (Map.Entry<Object, Object> e : attrs.entrySet()) {
            if (info.parameters().contains(keyName(e.getKey())) && e.getValue() instanceof Tensor t) {
                out.putIfAbsent(join(path, keyName(e.getKey())), t);
            }
        }
        for (Map.Entry<Object, Object> e : attrs.entrySet()) {
            if (info.buffers().contains(keyName(e.getKey())) && e.getValue() instanceof Tensor t) {
                out.putIfAbsent(join(path, keyName(e.getKey())), t);
            }
        }
        for (Map.Entry<Object, Object> e : attrs.entrySet()) {
            if (e.getValue() instanceof PyObject child && isScriptModule(child)) {
                visit(child, join(path, keyName(e.getKey())), depth + 1);
            }
        }
    }

    /** A submodule, or a TorchScript object whose source is missing (then all its tensors count). */
    private boolean isScriptModule(PyObject o) {
        if (!o.type().module().startsWith("__torch__")) return false;
        ScriptClasses.ClassInfo info = scriptClasses.lookup(o.type());
        return info == null ? !o.type().module().startsWith("__torch__.torch.classes") : info.module();
    }

    static String join(String path, String segment) {
        return path.isEmpty() ? segment : path + "." + segment;
    }

    /** A dict key as Python's str() shows it (also the CLI's names of non-tensor values). */
    public static String keyName(Object key) {
        if (key == null) return "None";
        if (key instanceof String s) return s;
        if (key instanceof Boolean b) return b ? "True" : "False";
        if (key instanceof Long || key instanceof Integer || key instanceof BigInteger) return key.toString();
        if (key instanceof Double d) return pythonFloat(d);
        if (key instanceof byte[] b) return new String(b, StandardCharsets.ISO_8859_1);
        if (key instanceof dev.torch4j.python.PyBytes b) return new String(b.toByteArray(), StandardCharsets.ISO_8859_1);
        if (key instanceof PyTuple t) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < t.size(); i++) {
                if (i > 0) sb.append(", ");
                Object v = t.get(i);
                sb.append(v instanceof String s ? "'" + s + "'" : keyName(v));
            }
            return sb.append(t.size() == 1 ? ",)" : ")").toString();
        }
        return String.valueOf(key);
    }

    private static String pythonFloat(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e16) return Long.toString((long) d) + ".0";
        return Double.toString(d);
    }
}
