package dev.torch4j.pt2;

import java.util.List;
import java.util.Map;

/** Typed access to parsed JSON; a wrong shape is an IllegalArgumentException naming the field. */
final class JsonTree {
    private JsonTree() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object o, String what) {
        if (o instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException(what + " must be a JSON object, got " + kind(o));
    }

    static Map<String, Object> optObject(Map<String, Object> m, String key) {
        Object o = m.get(key);
        return o == null ? Map.of() : object(o, key);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw new IllegalArgumentException(what + " must be a JSON array, got " + kind(o));
    }

    static List<Object> optList(Map<String, Object> m, String key) {
        Object o = m.get(key);
        return o == null ? List.of() : list(o, key);
    }

    static String string(Object o, String what) {
        if (o instanceof String s) return s;
        throw new IllegalArgumentException(what + " must be a string, got " + kind(o));
    }

    static long integer(Object o, String what) {
        if (o instanceof Long l) return l;
        if (o instanceof Integer i) return i;
        if (o instanceof java.math.BigInteger b) return b.longValueExact();
        throw new IllegalArgumentException(what + " must be an integer, got " + kind(o));
    }

    static boolean bool(Object o, boolean absent) {
        return o == null ? absent : Boolean.TRUE.equals(o);
    }

    /** A serialized {@code _Union}: an object of one key; returns that entry. */
    static Map.Entry<String, Object> union(Object o, String what) {
        Map<String, Object> m = object(o, what);
        if (m.size() != 1) throw new IllegalArgumentException(what + " must be a union (an object of one field), has " + m.keySet());
        return m.entrySet().iterator().next();
    }

    private static String kind(Object o) {
        if (o == null) return "null";
        if (o instanceof Map<?, ?>) return "an object";
        if (o instanceof List<?>) return "an array";
        if (o instanceof String) return "a string";
        return o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
