package dev.torch4j.pickle;

import dev.torch4j.python.PyBytes;
import dev.torch4j.python.PyComplex;
import dev.torch4j.python.PyDict;
import dev.torch4j.python.PyFrozenSet;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PySlice;
import dev.torch4j.python.PyTuple;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Python-type questions about the Java values the machine builds. */
public final class Values {
    private Values() {}

    /** The Python type name of a value, for error messages. */
    public static String typeName(Object v) {
        if (v == null) return "None";
        if (v instanceof String) return "str";
        if (v instanceof Long || v instanceof BigInteger) return "int";
        if (v instanceof Double) return "float";
        if (v instanceof Boolean) return "bool";
        if (v instanceof byte[] || v instanceof PyBytes) return "bytes";
        if (v instanceof PyTuple) return "tuple";
        if (v instanceof PyDict d) return d.type();
        if (v instanceof Map) return "dict";
        if (v instanceof List) return "list";
        if (v instanceof Set) return "set";
        if (v instanceof PyObject o) return o.type().qualifiedName() + " instance";
        if (v instanceof PyGlobal g) return "global " + g.qualifiedName();
        if (v instanceof PyCallable) return "callable";
        return v.getClass().getSimpleName();
    }

    /**
     * Rejects what Python cannot use as a dict key or set member (lists, dicts, tuples holding
     * them), and tuples nested too deeply to hash without risking the Java stack.
     */
    static <E extends Exception> void checkHashable(Object key, int maxDepth, Refusal<E> refusal) throws E {
        if (isAtom(key)) return;
        ArrayDeque<Object> todo = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        todo.push(key);
        depths.push(0);
        // Shared sub-tuples are legal, but hashing walks every path: bound the work like the depth.
        long budget = HASH_WORK_LIMIT;
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            int depth = depths.pop();
            if (isAtom(v)) continue;
            if (depth > maxDepth) throw refusal.refuse(dev.torch4j.ErrorKind.LIMIT, "key nested deeper than " + maxDepth + " levels");
            if (!(v instanceof PyTuple || v instanceof PyFrozenSet)) {
                throw refusal.refuse(dev.torch4j.ErrorKind.CORRUPT, "unhashable type: '" + typeName(v) + "'");
            }
            for (Object item : (Collection<?>) v) {
                if (--budget < 0) throw refusal.refuse(dev.torch4j.ErrorKind.LIMIT, "key too complex to hash (over " + HASH_WORK_LIMIT + " parts)");
                todo.push(item);
                depths.push(depth + 1);
            }
        }
    }

    private static final long HASH_WORK_LIMIT = 1_000_000;

    private static boolean isAtom(Object v) {
        return v == null || v instanceof String || v instanceof Long || v instanceof BigInteger
                || v instanceof Double || v instanceof Boolean || v instanceof byte[] || v instanceof PyBytes
                || v instanceof PyGlobal || v instanceof PyObject || v instanceof PyCallable
                || v instanceof PyComplex || v instanceof PySlice
                || !(v instanceof Collection || v instanceof Map);
    }

    /** The elements of an iterable value (list, tuple, set, dict keys, bytes as ints, str as chars). */
    static List<Object> iterate(Object v) {
        if (v instanceof Collection<?> c) return new ArrayList<>(c);
        if (v instanceof Map<?, ?> m) return new ArrayList<>(m.keySet());
        if (v instanceof PyBytes p) v = p.toByteArray();
        if (v instanceof byte[] b) {
            List<Object> out = new ArrayList<>(b.length);
            for (byte x : b) out.add((long) (x & 0xff));
            return out;
        }
        if (v instanceof String s) {
            List<Object> out = new ArrayList<>();
            // A loop, not codePoints().forEach(lambda): no lambda on the read path (see docs/building.md).
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                out.add(new String(Character.toChars(cp)));
                i += Character.charCount(cp);
            }
            return out;
        }
        throw new IllegalArgumentException("'" + typeName(v) + "' object is not iterable");
    }
}
