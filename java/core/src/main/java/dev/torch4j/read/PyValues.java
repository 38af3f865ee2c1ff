package dev.torch4j.read;

import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyTuple;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Strict conversions of unpickled values into what reconstructors need, with plain error reasons. */
public final class PyValues {
    private PyValues() {}

    public static Object arg(PyTuple args, int index, String function) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(function + " expects at least " + (index + 1) + " arguments, got " + args.size());
        }
        return args.get(index);
    }

    public static Object optionalArg(PyTuple args, int index) {
        return index < args.size() ? args.get(index) : null;
    }

    public static long toLong(Object v, String what) {
        if (v instanceof Long l) return l;
        if (v instanceof Integer i) return i;
        if (v instanceof BigInteger b && b.bitLength() < 64) return b.longValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        throw new IllegalArgumentException(what + " must be an integer, not " + describe(v));
    }

    public static double toDouble(Object v, String what) {
        if (v instanceof Double d) return d;
        if (v instanceof Float f) return f;
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException(what + " must be a number, not " + describe(v));
    }

    public static boolean toBoolean(Object v, boolean absent) {
        if (v == null) return absent;
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return n.longValue() != 0;
        return absent;
    }

    public static long[] toLongArray(Object v, String what) {
        if (v instanceof List<?> list) {
            long[] out = new long[list.size()];
            for (int i = 0; i < out.length; i++) {
                // Long is the common case; the label is only built for the error message.
                out[i] = list.get(i) instanceof Long l ? l : toLong(list.get(i), what + "[" + i + "]");
            }
            return out;
        }
        throw new IllegalArgumentException(what + " must be a tuple of integers, not " + describe(v));
    }

    /** A Python str, or a Python 2 byte string read as latin-1. */
    public static String toStr(Object v, String what) {
        if (v instanceof String s) return s;
        if (v instanceof byte[] b) return new String(b, StandardCharsets.ISO_8859_1);
        if (v instanceof dev.torch4j.python.PyBytes b) return new String(b.toByteArray(), StandardCharsets.ISO_8859_1);
        throw new IllegalArgumentException(what + " must be a string, not " + describe(v));
    }

    public static String describe(Object v) {
        if (v == null) return "None";
        if (v instanceof PyGlobal g) return "global " + g.qualifiedName();
        String s = String.valueOf(v);
        if (s.length() > 60) s = s.substring(0, 60) + "...";
        return v.getClass().getSimpleName() + " " + s;
    }
}
