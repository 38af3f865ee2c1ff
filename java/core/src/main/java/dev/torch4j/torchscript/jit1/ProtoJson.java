package dev.torch4j.torchscript.jit1;

import dev.torch4j.TorchFileException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Reads fields of a protobuf message from its JSON form the way protobuf's JSON parser accepts
 * them: a field under its lowerCamelCase or its original snake_case name, int64 as a number or a
 * decimal string, enums by name or number, null for an absent field, unknown fields ignored.
 * Errors point at the object holding the bad field.
 */
final class ProtoJson {
    private final String file;
    private final String entry;
    private final String text;
    private final Map<Object, Integer> offsets;

    /** @param offsets where each JSON object and array of {@code text} starts (characters) */
    ProtoJson(String file, String entry, String text, Map<Object, Integer> offsets) {
        this.file = file;
        this.entry = entry;
        this.text = text;
        this.offsets = offsets;
    }

    /** An error about {@code where} (a JSON object or array), at its byte offset in the entry. */
    TorchFileException error(Object where, String reason) {
        Integer at = where == null ? null : offsets.get(where);
        long byteOffset = at == null ? -1 : text.substring(0, at).getBytes(StandardCharsets.UTF_8).length;
        return new TorchFileException(file, entry, byteOffset, reason);
    }

    /** A nested message, or null when absent. */
    @SuppressWarnings("unchecked")
    Map<String, Object> message(Map<String, Object> msg, String field) throws TorchFileException {
        Object v = get(msg, field);
        if (v == null) return null;
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw error(msg, "field " + field + " must be an object, found " + kind(v));
    }

    /** A repeated message field; empty when absent. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages(Map<String, Object> msg, String field) throws TorchFileException {
        List<?> items = list(msg, field);
        for (Object o : items) {
            if (!(o instanceof Map<?, ?>)) throw error(items, "elements of " + field + " must be objects, found " + kind(o));
        }
        return (List<Map<String, Object>>) items;
    }

    long int64(Map<String, Object> msg, String field, long absent) throws TorchFileException {
        Object v = get(msg, field);
        return v == null ? absent : toInt64(v, msg, field);
    }

    /** A repeated int64 field; empty when absent. */
    long[] int64s(Map<String, Object> msg, String field) throws TorchFileException {
        List<?> items = list(msg, field);
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (items.get(i) == null) throw error(items, "null element in " + field);
            out[i] = toInt64(items.get(i), items, field);
        }
        return out;
    }

    boolean bool(Map<String, Object> msg, String field) throws TorchFileException {
        Object v = get(msg, field);
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        throw error(msg, "field " + field + " must be true or false, found " + kind(v));
    }

    double float64(Map<String, Object> msg, String field) throws TorchFileException {
        Object v = get(msg, field);
        if (v == null) return 0;
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            switch (s) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        return Double.parseDouble(s);
                    } catch (NumberFormatException e) {
                        break;
                    }
            }
        }
        throw error(msg, "field " + field + " must be a number, found " + kind(v));
    }

    String string(Map<String, Object> msg, String field) throws TorchFileException {
        Object v = get(msg, field);
        if (v == null) return "";
        if (v instanceof String s) return s;
        throw error(msg, "field " + field + " must be a string, found " + kind(v));
    }

    /** An enum field as written: its name (String) or its number (Long); null when absent. */
    Object enumValue(Map<String, Object> msg, String field) throws TorchFileException {
        Object v = get(msg, field);
        if (v == null || v instanceof String) return v;
        return toInt64(v, msg, field);
    }

    private List<?> list(Map<String, Object> msg, String field) throws TorchFileException {
        Object v = get(msg, field);
        if (v == null) return List.of();
        if (v instanceof List<?> l) return l;
        throw error(msg, "field " + field + " must be an array, found " + kind(v));
    }

    /** The value under the camelCase name, else under the proto (snake_case) name. */
    static Object get(Map<String, Object> msg, String protoName) {
        Object v = msg.get(camelCase(protoName));
        return v != null ? v : msg.get(protoName);
    }

    static String camelCase(String protoName) {
        StringBuilder sb = new StringBuilder(protoName.length());
        boolean upper = false;
        for (char c : protoName.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    private long toInt64(Object v, Object where, String field) throws TorchFileException {
        if (v instanceof Long l) return l;
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63) return d.longValue();
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw error(where, "field " + field + " must be a 64-bit integer, found " + describe(v));
    }

    private static String describe(Object v) {
        if (v instanceof String s) return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        return v instanceof Number || v instanceof Boolean ? kind(v) + " " + v : kind(v);
    }

    private static String kind(Object v) {
        if (v instanceof Map<?, ?>) return "an object";
        if (v instanceof List<?>) return "an array";
        if (v instanceof String) return "a string";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof Number) return "a number";
        return "null";
    }
}
