package dev.torch4j.torchscript.mobile;

import static dev.torch4j.pickle.Opcodes.*;

import dev.torch4j.pickle.PickleWriter;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import dev.torch4j.torchscript.mobile.PickleTree.Global;
import dev.torch4j.torchscript.mobile.PickleTree.PersistentId;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes a {@link PickleTree} at protocol 2 with the opcodes PyTorch's own C++ pickler uses, so the
 * lite interpreter of any release reads it: objects of TorchScript classes ({@code __torch__.*},
 * the XNNPACK contexts included) as GLOBAL, EMPTY_TUPLE, NEWOBJ, state, BUILD; every other call as
 * GLOBAL, arguments, REDUCE. A value reached twice is written once and fetched from the memo after,
 * so shared values stay shared.
 */
final class PickleTreeWriter {
    private final PickleWriter out = new PickleWriter();
    private final IdentityHashMap<Object, Integer> memo = new IdentityHashMap<>();
    /** Strings by value, as the C++ pickler memoizes them (opcode names repeat in every instruction). */
    private final HashMap<String, Integer> strings = new HashMap<>();
    private final IdentityHashMap<Object, Boolean> open = new IdentityHashMap<>();
    private final UnaryOperator<PersistentId> ids;
    /** Nesting is bounded: a pickle can nest values arbitrarily deep through its memo, and writing recurses. */
    static final int MAX_DEPTH = 2_000;
    private int depth;

    private PickleTreeWriter(UnaryOperator<PersistentId> ids) {
        this.ids = ids;
    }

    /** The pickle of {@code root}; {@code ids} may replace each persistent id as it is written (renumbered storages). */
    static byte[] write(Object root, UnaryOperator<PersistentId> ids) {
        PickleTreeWriter w = new PickleTreeWriter(ids);
        w.out.proto(2);
        w.value(root);
        w.out.op(STOP);
        return w.out.toByteArray();
    }

    private void value(Object v) {
        if (v == null) { out.op(NONE); return; }
        if (v instanceof Boolean b) { out.op(b ? NEWTRUE : NEWFALSE); return; }
        if (v instanceof Long l) { out.integer(l); return; }
        if (v instanceof Integer i) { out.integer(i); return; }
        if (v instanceof BigInteger b) { out.integer(b); return; }
        if (v instanceof Double d) { out.binfloat(d); return; }
        if (v instanceof String s) { string(s); return; }
        if (v instanceof Global g) { out.global(g.module(), g.name()); return; }
        if (v instanceof PersistentId p) { value(ids.apply(p).id()); out.op(BINPERSID); return; }
        Integer seen = memo.get(v);
        if (seen != null) { out.getMemo(seen); return; }
        if (open.put(v, Boolean.TRUE) != null) {
            throw new IllegalArgumentException("the pickle holds a value that contains itself");
        }
        if (++depth > MAX_DEPTH) {
            throw new IllegalArgumentException("the pickle nests values more than " + MAX_DEPTH + " deep");
        }
        if (v instanceof PyTuple t) tuple(t);
        else if (v instanceof List<?> l) list(l);
        else if (v instanceof Map<?, ?> m) dict(m);
        else if (v instanceof PyObject o) object(o);
        else throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " back into a TorchScript pickle");
        open.remove(v);
        depth--;
        int index = memo.size() + strings.size();
        memo.put(v, index);
        out.putMemo(index);
    }

    private void string(String s) {
        Integer seen = strings.get(s);
        if (seen != null) { out.getMemo(seen); return; }
        out.unicode(s);
        int index = memo.size() + strings.size();
        strings.put(s, index);
        out.putMemo(index);
    }

    private void tuple(PyTuple t) {
        switch (t.size()) {
            case 0 -> out.op(EMPTY_TUPLE);
            case 1, 2, 3 -> {
                for (Object item : t) value(item);
                out.op(t.size() == 1 ? TUPLE1 : t.size() == 2 ? TUPLE2 : TUPLE3);
            }
            default -> {
                out.op(MARK);
                for (Object item : t) value(item);
                out.op(TUPLE);
            }
        }
    }

    private void list(List<?> l) {
        out.op(EMPTY_LIST);
        if (l.isEmpty()) return;
        out.op(MARK);
        for (Object item : l) value(item);
        out.op(APPENDS);
    }

    private void dict(Map<?, ?> m) {
        out.op(EMPTY_DICT);
        if (m.isEmpty()) return;
        out.op(MARK);
        for (Map.Entry<?, ?> e : m.entrySet()) {
            value(e.getKey());
            value(e.getValue());
        }
        out.op(SETITEMS);
    }

    private void object(PyObject o) {
        if (!o.listItems().isEmpty() || !o.dictItems().isEmpty() || !o.kwargs().isEmpty()) {
            throw new IllegalArgumentException(o.type().qualifiedName() + " carries items or keyword arguments, which TorchScript pickles never hold");
        }
        out.global(o.type().module(), o.type().name());
        if (o.type().module().startsWith("__torch__") && o.args().isEmpty()) {
            // How the C++ pickler writes a TorchScript object: its state follows, set by BUILD.
            out.op(EMPTY_TUPLE);
            out.op(NEWOBJ);
        } else {
            value(o.args());
            out.op(REDUCE);
        }
        if (o.state() != null) {
            value(o.state());
            out.op(BUILD);
        }
    }
}
