package dev.torch4j.pickle;

import dev.torch4j.python.PyDict;
import dev.torch4j.python.PyTuple;
import dev.torch4j.python.PySlice;
import dev.torch4j.python.PyComplex;
import dev.torch4j.python.PyObject;
import dev.torch4j.numpy.NumpyArray;
import dev.torch4j.tensor.Tensor;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The canonical text form of a loaded value, mirroring canon() in gen_pickle_fixtures.py, so a
 * load can be compared with what Python's own unpickler produced from the same bytes.
 */
final class Canonical {
    private Canonical() {}

    static String of(Object o) {
        StringBuilder sb = new StringBuilder();
        write(o, sb, new IdentityHashMap<>());
        return sb.toString();
    }

    private static void write(Object o, StringBuilder sb, IdentityHashMap<Object, Boolean> path) {
        if (o == null) { sb.append("None"); return; }
        boolean container = o instanceof Collection || o instanceof Map || o instanceof PyObject;
        if (container) {
            if (path.containsKey(o)) { sb.append("<rec>"); return; }
            path.put(o, Boolean.TRUE);
        }
        try {
            render(o, sb, path);
        } finally {
            if (container) path.remove(o);
        }
    }

    /** As gen_pickle_fixtures.py: hex, or length and SHA-256 from 64 KiB up. */
    private static void bytes(byte[] b, StringBuilder sb) {
        if (b.length < 65536) {
            sb.append("b\"").append(TensorBytes.hex(b)).append('"');
            return;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(b);
            sb.append("bsha(").append(b.length).append(',').append(TensorBytes.hex(digest)).append(')');
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void render(Object o, StringBuilder sb, IdentityHashMap<Object, Boolean> path) {
        if (o instanceof Boolean b) sb.append(b ? "True" : "False");
        else if (o instanceof Long || o instanceof BigInteger) sb.append(o);
        else if (o instanceof Double d) sb.append(floatBits(d));
        else if (o instanceof PyComplex c) sb.append("c(").append(floatBits(c.real())).append(',').append(floatBits(c.imag())).append(')');
        else if (o instanceof String s) str(s, sb);
        else if (o instanceof byte[] || o instanceof dev.torch4j.python.PyBytes) bytes(dev.torch4j.python.PyBytes.asByteArray(o), sb);
        else if (o instanceof PySlice s) {
            sb.append("slice(");
            write(s.start(), sb, path); sb.append(',');
            write(s.stop(), sb, path); sb.append(',');
            write(s.step(), sb, path); sb.append(')');
        } else if (o instanceof Tensor t) {
            sb.append("nd(").append(t.dtype().pythonName()).append(',').append(shape(t.shape())).append(',')
                    .append(TensorBytes.sha256(t)).append(')');
        } else if (o instanceof NumpyArray a) {
            if (a.dtype().isObject()) {
                sb.append("ndobj").append(shape(a.shape()));
                write(a.data(), sb, path);
            } else {
                sb.append("ndraw(").append(a.dtype().descr()).append(',').append(shape(a.shape())).append(')');
            }
        } else if (o instanceof PyObject p) {
            sb.append("obj(").append(p.type().qualifiedName()).append(")@");
            write(p.attributes(), sb, path);
            if (!p.dictItems().isEmpty()) { sb.append("items"); write(p.dictItems(), sb, path); }
            if (!p.listItems().isEmpty()) { sb.append("items"); write(p.listItems(), sb, path); }
        } else if (o instanceof PyTuple t) seq(t, "(", ")", sb, path);
        else if (o instanceof List<?> l) seq(l, "[", "]", sb, path);
        else if (o instanceof Set<?> s) {
            List<String> items = new ArrayList<>();
            for (Object x : s) {
                StringBuilder one = new StringBuilder();
                write(x, one, path);
                items.add(one.toString());
            }
            items.sort(null);
            sb.append("set{").append(String.join(",", items)).append('}');
        } else if (o instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                write(e.getKey(), sb, path);
                sb.append(':');
                write(e.getValue(), sb, path);
            }
            sb.append('}');
            if (o instanceof PyDict d && !d.attributes().isEmpty()) {
                sb.append('@');
                write(d.attributes(), sb, path);
            }
        } else {
            throw new AssertionError("no canonical form for " + o.getClass());
        }
    }

    private static void seq(List<?> l, String open, String close, StringBuilder sb, IdentityHashMap<Object, Boolean> path) {
        sb.append(open);
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) sb.append(',');
            write(l.get(i), sb, path);
        }
        sb.append(close);
    }

    static String floatBits(double d) {
        return "f" + String.format("%016x", Double.doubleToRawLongBits(d));
    }

    private static void str(String s, StringBuilder sb) {
        sb.append("s\"");
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7f && cp != '\\' && cp != '"') sb.append((char) cp);
            else sb.append("\\u{").append(Integer.toHexString(cp)).append('}');
        });
        sb.append('"');
    }

    static String shape(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(shape[i]);
        }
        return sb.append(')').toString();
    }
}
