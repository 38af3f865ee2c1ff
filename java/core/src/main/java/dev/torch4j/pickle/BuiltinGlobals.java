package dev.torch4j.pickle;

import dev.torch4j.PickleLimits;
import dev.torch4j.python.PyComplex;
import dev.torch4j.python.PyDict;
import dev.torch4j.python.PyFrozenSet;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PySlice;
import dev.torch4j.python.PyTuple;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Python's own globals that plain data pickles use, implemented in Java: builtin types,
 * {@code collections} dicts, {@code copyreg} reconstruction helpers, {@code _codecs.encode}
 * (protocol 2's spelling of bytes) and {@code argparse.Namespace}.
 *
 * <p>{@code argparse.Namespace} becomes a {@link PyObject} of that class: its BUILD state (the
 * attributes) is then available from {@link PyObject#attributes()}, exactly like any other object.
 * Instances of unknown classes rebuilt through {@code copyreg} become {@link PyObject} placeholders.
 */
public final class BuiltinGlobals implements GlobalResolver {
    public static final BuiltinGlobals INSTANCE = new BuiltinGlobals();

    /** A builtin Java implementation with its Python name, so helpers like {@code _reconstructor} can tell them apart. */
    public record Builtin(String module, String name, PyCallable impl) implements PyCallable {
        @Override public Object call(PyTuple args) throws Exception { return impl.call(args); }
        public String qualifiedName() { return module + "." + name; }
        @Override public String toString() { return qualifiedName(); }
    }

    private final Map<String, Builtin> table = new HashMap<>();

    private BuiltinGlobals() {
        for (Fn fn : Fn.values()) def(fn.module, fn.name, fn);
    }

    /**
     * The implementations, one constant each. Classes (enum constants with bodies), not lambdas: a short
     * command's first lambda initialises java.lang.invoke and each later one spins a class (several ms of a
     * 0.2 s inspect, which builds this table on every run); see docs/building.md.
     */
    private enum Fn implements PyCallable {
        ORDERED_DICT("collections", "OrderedDict") {
            @Override public Object call(PyTuple a) { return dictOf("collections.OrderedDict", a); }
        },
        COUNTER("collections", "Counter") {
            @Override public Object call(PyTuple a) { return dictOf("collections.Counter", a); }
        },
        DEFAULTDICT("collections", "defaultdict") {
            @Override public Object call(PyTuple a) {
                PyDict d = new PyDict("collections.defaultdict");
                if (a.size() > 0) d.setDefaultFactory(a.get(0));
                if (a.size() > 1) fill(d, a.get(1));
                return d;
            }
        },
        DICT("builtins", "dict") {
            @Override public Object call(PyTuple a) {
                Map<Object, Object> d = new LinkedHashMap<>();
                if (a.size() > 0) fill(d, a.get(0));
                return d;
            }
        },
        LIST("builtins", "list") {
            @Override public Object call(PyTuple a) { return a.isEmpty() ? new ArrayList<>() : Values.iterate(a.get(0)); }
        },
        TUPLE("builtins", "tuple") {
            @Override public Object call(PyTuple a) { return a.isEmpty() ? PyTuple.EMPTY : PyTuple.copyOf(Values.iterate(a.get(0))); }
        },
        SET("builtins", "set") {
            @Override public Object call(PyTuple a) {
                LinkedHashSet<Object> s = new LinkedHashSet<>();
                if (!a.isEmpty()) for (Object x : Values.iterate(a.get(0))) s.add(hashable(x));
                return s;
            }
        },
        FROZENSET("builtins", "frozenset") {
            @Override public Object call(PyTuple a) {
                PyFrozenSet s = new PyFrozenSet();
                if (!a.isEmpty()) for (Object x : Values.iterate(a.get(0))) s.add(hashable(x));
                return s;
            }
        },
        BYTES("builtins", "bytes") {
            @Override public Object call(PyTuple a) { return bytes(a); }
        },
        BYTEARRAY("builtins", "bytearray") {
            @Override public Object call(PyTuple a) { return bytes(a); }
        },
        COMPLEX("builtins", "complex") {
            @Override public Object call(PyTuple a) {
                return new PyComplex(a.size() > 0 ? toDouble(a.get(0)) : 0, a.size() > 1 ? toDouble(a.get(1)) : 0);
            }
        },
        SLICE("builtins", "slice") {
            @Override public Object call(PyTuple a) {
                return switch (a.size()) {
                    case 1 -> new PySlice(null, a.get(0), null);
                    case 2 -> new PySlice(a.get(0), a.get(1), null);
                    case 3 -> new PySlice(a.get(0), a.get(1), a.get(2));
                    default -> throw new IllegalArgumentException("slice expected 1 to 3 arguments, got " + a.size());
                };
            }
        },
        INT("builtins", "int") {
            @Override public Object call(PyTuple a) { return a.isEmpty() ? 0L : toInt(a.get(0)); }
        },
        FLOAT("builtins", "float") {
            @Override public Object call(PyTuple a) { return a.isEmpty() ? 0.0 : toDouble(a.get(0)); }
        },
        STR("builtins", "str") {
            @Override public Object call(PyTuple a) { return a.isEmpty() ? "" : str(a.get(0)); }
        },
        BOOL("builtins", "bool") {
            @Override public Object call(PyTuple a) { return !a.isEmpty() && truthy(a.get(0)); }
        },
        OBJECT("builtins", "object") {
            @Override public Object call(PyTuple a) { return new PyObject(new PyGlobal("builtins", "object"), a); }
        },
        ENCODE("_codecs", "encode") {
            @Override public Object call(PyTuple a) {
                if (a.isEmpty() || !(a.get(0) instanceof String s)) throw new IllegalArgumentException("encode expects a str");
                return s.getBytes(charset(a.size() > 1 ? a.get(1) : "utf-8"));
            }
        },
        RECONSTRUCTOR("copyreg", "_reconstructor") {
            @Override public Object call(PyTuple a) throws Exception { return reconstructor(a); }
        },
        NEWOBJ("copyreg", "__newobj__") {
            @Override public Object call(PyTuple a) throws Exception {
                if (a.isEmpty()) throw new IllegalArgumentException("__newobj__ needs a class");
                return construct(a.get(0), PyTuple.copyOf(a.subList(1, a.size())));
            }
        },
        NEWOBJ_EX("copyreg", "__newobj_ex__") {
            @Override public Object call(PyTuple a) throws Exception {
                if (a.size() != 3 || !(a.get(1) instanceof PyTuple args)) {
                    throw new IllegalArgumentException("__newobj_ex__ expects (cls, args, kwargs)");
                }
                Object o = construct(a.get(0), args);
                if (o instanceof PyObject p && a.get(2) instanceof Map<?, ?> kw) p.kwargs().putAll(kw);
                return o;
            }
        },
        NAMESPACE("argparse", "Namespace") {
            @Override public Object call(PyTuple a) { return new PyObject(new PyGlobal("argparse", "Namespace"), a); }
        };

        final String module;
        final String name;

        Fn(String module, String name) {
            this.module = module;
            this.name = name;
        }
    }

    @Override public PyCallable resolve(String module, String name) {
        return table.get(module + "." + name);
    }

    private void def(String module, String name, PyCallable impl) {
        table.put(module + "." + name, new Builtin(module, name, impl));
    }

    private static PyDict dictOf(String type, PyTuple a) {
        PyDict d = new PyDict(type);
        if (!a.isEmpty()) fill(d, a.get(0));
        return d;
    }

    /** dict(x): a mapping's items, or an iterable of key/value pairs (Python 2 OrderedDict pickles pass [[k, v], ...]). */
    private static void fill(Map<Object, Object> d, Object source) {
        if (source == null) return;
        if (source instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) d.put(e.getKey(), e.getValue());
            return;
        }
        for (Object pair : Values.iterate(source)) {
            if (!(pair instanceof List<?> kv) || kv.size() != 2) throw new IllegalArgumentException("dict items must be pairs");
            d.put(hashable(kv.get(0)), kv.get(1));
        }
    }

    private static Object hashable(Object x) {
        Values.checkHashable(x, PickleLimits.DEFAULT.maxDepth(), Refusal.ARGUMENT);
        return x;
    }

    private static Object bytes(PyTuple a) {
        if (a.isEmpty()) return new byte[0];
        Object v = a.get(0);
        if (v instanceof byte[] b) return b.clone();
        if (v instanceof dev.torch4j.python.PyBytes p) return p; // immutable view: sharing is what bytes(b) does
        if (v instanceof String s) {
            if (a.size() < 2) throw new IllegalArgumentException("string argument without an encoding");
            return s.getBytes(charset(a.get(1)));
        }
        if (v instanceof Long || v instanceof BigInteger) {
            // bytes(n) would allocate n zero bytes: never pickled by Python itself, an allocation hazard here.
            throw new UnsupportedOperationException("bytes(int) is not supported");
        }
        List<Object> items = Values.iterate(v);
        byte[] out = new byte[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long l) || l < 0 || l > 255) throw new IllegalArgumentException("bytes must be in range(0, 256)");
            out[i] = (byte) (long) l;
        }
        return out;
    }

    private static Charset charset(Object name) {
        if (!(name instanceof String s)) throw new IllegalArgumentException("encoding must be a str");
        return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1" -> StandardCharsets.ISO_8859_1;
            case "utf-8", "utf8" -> StandardCharsets.UTF_8;
            case "ascii", "us-ascii" -> StandardCharsets.US_ASCII;
            default -> throw new UnsupportedOperationException("unsupported encoding " + s);
        };
    }

    /** copyreg._reconstructor(cls, base, state): how protocols 0 and 1 rebuild instances. */
    private static Object reconstructor(PyTuple a) throws Exception {
        if (a.size() != 3) throw new IllegalArgumentException("_reconstructor expects (cls, base, state)");
        Object cls = a.get(0);
        Object base = a.get(1);
        Object state = a.get(2);
        if (cls instanceof PyCallable c) return c.call(state == null ? PyTuple.EMPTY : PyTuple.of(state));
        if (!(cls instanceof PyGlobal g)) throw new IllegalArgumentException("_reconstructor class is " + Values.typeName(cls));
        PyObject o = new PyObject(g, state == null ? PyTuple.EMPTY : PyTuple.of(state));
        // A dict or list subclass keeps its base contents as items.
        String baseName = base instanceof Builtin b ? b.qualifiedName() : base instanceof PyGlobal pg ? pg.qualifiedName() : "";
        if (baseName.equals("builtins.dict") && state instanceof Map<?, ?> m) o.dictItems().putAll(m);
        if (baseName.equals("builtins.list") && state instanceof List<?> l) o.listItems().addAll(l);
        return o;
    }

    private static Object construct(Object cls, PyTuple args) throws Exception {
        if (cls instanceof PyGlobal g) return new PyObject(g, args);
        if (cls instanceof PyCallable c) return c.call(args);
        throw new IllegalArgumentException(Values.typeName(cls) + " is not a class");
    }

    private static double toDouble(Object v) {
        if (v instanceof Double d) return d;
        if (v instanceof Long l) return l;
        if (v instanceof BigInteger b) return b.doubleValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        if (v instanceof String s) return TextArgs.parseFloat(s, Refusal.ARGUMENT);
        throw new IllegalArgumentException("cannot convert " + Values.typeName(v) + " to float");
    }

    private static Object toInt(Object v) {
        if (v instanceof Long || v instanceof BigInteger) return v;
        if (v instanceof Boolean b) return b ? 1L : 0L;
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) throw new IllegalArgumentException("cannot convert " + d + " to int");
            return Ints.narrow(new java.math.BigDecimal(d).toBigInteger());
        }
        if (v instanceof String s) return TextArgs.parseInteger(s, Refusal.ARGUMENT);
        throw new IllegalArgumentException("cannot convert " + Values.typeName(v) + " to int");
    }

    private static String str(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof Long || v instanceof BigInteger) return v.toString();
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v == null) return "None";
        throw new UnsupportedOperationException("str() of " + Values.typeName(v) + " is not supported");
    }

    private static boolean truthy(Object v) {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Long l) return l != 0;
        if (v instanceof BigInteger b) return b.signum() != 0;
        if (v instanceof Double d) return d != 0;
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof byte[] b) return b.length > 0;
        if (v instanceof dev.torch4j.python.PyBytes p) return p.size() > 0;
        if (v instanceof java.util.Collection<?> c) return !c.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }
}
