package dev.torch4j.pt2;

import dev.torch4j.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A serialized {@code TensorMeta}: dtype code, sizes and strides as SymInts (an integer, or a
 * symbolic expression for dynamic dimensions), storage offset, requires_grad, device.
 *
 * @param sizes   concrete sizes, or null when a dimension is symbolic
 * @param strides concrete strides, or null when one is symbolic or missing
 */
record TensorMeta(long dtypeCode, DType dtype, List<String> dims, long[] sizes, long[] strides, long storageOffset,
                  boolean requiresGrad, String device) {

    static TensorMeta parse(Object json, String what) {
        Map<String, Object> m = JsonTree.object(json, what);
        long code = JsonTree.integer(m.get("dtype"), what + ".dtype");
        List<String> dims = new ArrayList<>();
        long[] sizes = symInts(JsonTree.optList(m, "sizes"), what + ".sizes", dims);
        long[] strides = m.containsKey("strides") ? symInts(JsonTree.list(m.get("strides"), what), what + ".strides", null) : null;
        Object off = m.get("storage_offset");
        long offset = 0;
        if (off instanceof Map<?, ?>) {
            long[] one = symInts(List.of(off), what + ".storage_offset", null);
            offset = one == null ? 0 : one[0];
        } else if (off != null) {
            offset = JsonTree.integer(off, what + ".storage_offset");
        }
        String device = "cpu";
        if (m.get("device") instanceof Map<?, ?> d) {
            Object type = d.get("type");
            Object index = d.get("index");
            device = String.valueOf(type) + (index == null ? "" : ":" + index);
        }
        return new TensorMeta(code, ScalarTypes.of(code), List.copyOf(dims), sizes, strides, offset,
                JsonTree.bool(m.get("requires_grad"), false), device);
    }

    /** Integers of a SymInt list; null when any is symbolic. {@code dims} receives each as text. */
    private static long[] symInts(List<Object> items, String what, List<String> dims) {
        long[] out = new long[items.size()];
        boolean concrete = true;
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            String text;
            if (item instanceof Long || item instanceof Integer) { // 2.1 wrote plain integers in places
                out[i] = JsonTree.integer(item, what);
                text = Long.toString(out[i]);
            } else {
                Map.Entry<String, Object> u = JsonTree.union(item, what + "[" + i + "]");
                switch (u.getKey()) {
                    case "as_int" -> {
                        out[i] = JsonTree.integer(u.getValue(), what + "[" + i + "]");
                        text = Long.toString(out[i]);
                    }
                    case "as_expr" -> {
                        concrete = false;
                        Object e = u.getValue() instanceof Map<?, ?> m ? m.get("expr_str") : u.getValue();
                        text = String.valueOf(e);
                    }
                    case "as_symbol", "as_name" -> {
                        concrete = false;
                        text = String.valueOf(u.getValue());
                    }
                    default -> throw new IllegalArgumentException(what + "[" + i + "]: unknown SymInt field " + u.getKey());
                }
            }
            if (dims != null) dims.add(text);
        }
        return concrete ? out : null;
    }

    /** {@code float32[2, 4]}, symbolic dimensions by name. */
    String describe() {
        return (dtype == null ? "scalar_type_" + dtypeCode : dtype.pythonName()) + "[" + String.join(", ", dims) + "]";
    }
}
