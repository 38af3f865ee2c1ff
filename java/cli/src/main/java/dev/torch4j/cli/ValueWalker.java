package dev.torch4j.cli;

import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import dev.torch4j.read.TensorPaths;
import dev.torch4j.tensor.Tensor;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the non-tensor leaves of a loaded object tree (epoch, hyper-parameters, optimizer
 * settings...) by the same dotted paths as tensors, so {@code inspect} can summarize them.
 * Objects torch4j only knows by name appear as {@code <module.Class>}; their public attributes are walked.
 * A container met again (a pickle shares it by memo) is shown as a reference to its first path,
 * never walked twice: 30 levels of lists holding the one below twice are 2^30 paths in 1 KB.
 */
final class ValueWalker {
    /** A leaf: its path, Python-style type name and a JSON-friendly value. */
    record Value(String path, String type, Object value) {}

    private static final int MAX_DEPTH = 64;
    private static final int MAX_TEXT = 200;
    /** Nodes walked at most, whatever the graph: real files have far fewer non-tensor values. */
    private static final long MAX_NODES = 1_000_000;
    /** Integers wider than this (about 100 decimal digits) are shown by size, not digit by digit. */
    private static final int MAX_INT_BITS = 330;

    private final int limit;
    private final List<Value> values = new ArrayList<>();
    private final Set<Object> visiting = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Every container walked so far, with the path it was first seen at. */
    private final Map<Object, String> firstPath = new IdentityHashMap<>();
    private long nodes;
    private int hidden;

    /** Tensors listed as tensors; any other tensor in the tree (a numpy array left out by --torch-tensors-only) is a value. */
    private final Set<Tensor> listed;

    ValueWalker(int limit) {
        this.limit = limit;
        this.listed = null;
    }

    ValueWalker(int limit, java.util.Collection<Tensor> listedTensors) {
        this.limit = limit;
        this.listed = Collections.newSetFromMap(new IdentityHashMap<>());
        this.listed.addAll(listedTensors);
    }

    List<Value> values() { return values; }

    /** Leaves found beyond the limit. */
    int hidden() { return hidden; }

    void walk(Object root) {
        walk("", root, 0);
    }

    private void walk(String path, Object v, int depth) {
        if (v instanceof Tensor t) {
            if (listed != null && !listed.contains(t)) add(path, "ndarray", "<ndarray " + t.dtype().pythonName() + " " + java.util.Arrays.toString(t.shape()) + ">");
            return;
        }
        if (++nodes > MAX_NODES) {
            if (nodes == MAX_NODES + 1) add(path, "...", "<stopped after " + MAX_NODES + " values>");
            return;
        }
        if (depth > MAX_DEPTH) {
            add(path, "...", "<nested deeper than " + MAX_DEPTH + ">");
            return;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?> || v instanceof PyObject) {
            if (visiting.contains(v)) {
                add(path, "...", "<recursive reference>");
                return;
            }
            String first = firstPath.putIfAbsent(v, path);
            if (first != null) {
                add(path, "ref", "<same object as " + (first.isEmpty() ? "the root" : first) + ">");
                return;
            }
            visiting.add(v);
            try {
                walkContainer(path, v, depth);
            } finally {
                visiting.remove(v);
            }
            return;
        }
        if (v == null) add(path, "None", null);
        else if (v instanceof Boolean b) add(path, "bool", b);
        else if (v instanceof BigInteger b && b.bitLength() > MAX_INT_BITS) add(path, "int", "<int of " + b.bitLength() + " bits>");
        else if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) add(path, "int", v);
        else if (v instanceof Double d) add(path, "float", d);
        else if (v instanceof String s) add(path, "str", clip(s));
        else if (v instanceof byte[] b) add(path, "bytes", "<" + b.length + " bytes>");
        else if (v instanceof dev.torch4j.python.PyBytes b) add(path, "bytes", "<" + b.size() + " bytes>");
        else if (v instanceof PyGlobal g) add(path, "global", g.qualifiedName());
        else add(path, v.getClass().getSimpleName(), clip(String.valueOf(v)));
    }

    private void walkContainer(String path, Object v, int depth) {
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) add(path, "dict", "{}");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!silent(e.getValue())) walk(join(path, TensorPaths.keyName(e.getKey())), e.getValue(), depth + 1);
            }
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) add(path, v instanceof PyTuple ? "tuple" : "list", v instanceof PyTuple ? "()" : "[]");
            for (int i = 0; i < l.size(); i++) {
                if (!silent(l.get(i))) walk(join(path, Integer.toString(i)), l.get(i), depth + 1);
            }
        } else if (v instanceof PyObject o) {
            Map<Object, Object> attrs = o.attributes();
            add(path, "object", "<" + o.type().qualifiedName() + ">");
            for (Map.Entry<Object, Object> e : attrs.entrySet()) {
                // Private attributes (nn.Module's _parameters, _buffers, hooks) are machinery, not settings.
                if (TensorPaths.keyName(e.getKey()).startsWith("_") || silent(e.getValue())) continue;
                walk(join(path, TensorPaths.keyName(e.getKey())), e.getValue(), depth + 1);
            }
        }
    }

    /**
     * A tensor listed among the tensors, which {@link #walk} would pass over: skipped before its path
     * is joined (a string per tensor, 20,000 of them for a large state dict, for nothing).
     */
    private boolean silent(Object v) {
        return v instanceof Tensor t && (listed == null || listed.contains(t));
    }

    private void add(String path, String type, Object value) {
        if (values.size() >= limit) {
            hidden++;
            return;
        }
        values.add(new Value(path, type, value));
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }
}
