package dev.torch4j.torchscript.mobile;

import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mobile_debug_handles.pkl}, written by {@code _save_for_lite_interpreter(..., _save_mobile_debug_info=True)}:
 * {@code (version, (method, (("function_debug_handles", (int list,)),))...)}, one handle per instruction, which
 * the lite interpreter requires to match the instruction count. When the backport inserts instructions
 * (the defaults of a call), each inserted one gets the handle of the call it serves, so the debug
 * information still names the call's source; the callstack map the handles point into is unchanged.
 */
final class DebugHandles {
    /** Why the record cannot be rewritten; the caller names the file and entry. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) { super(message); }
    }

    private DebugHandles() {}

    /** The record's tree for {@code target}, each method's handles following {@code methods}' edits. */
    static PyTuple rewrite(Object root, int target, Map<String, MethodCode> methods) throws Unreadable {
        List<?> items = list(root, "the record");
        List<Object> out = new ArrayList<>(items.size());
        int first = 0;
        if (!items.isEmpty() && items.get(0) instanceof Long) {
            out.add((long) target);
            first = 1;
        }
        for (int i = first; i < items.size(); i++) {
            List<?> method = list(items.get(i), "a method entry");
            if (method.size() != 2 || !(method.get(0) instanceof String name)) throw new Unreadable("a method entry is not (name, table)");
            MethodCode code = methods.get(name);
            if (code == null) throw new Unreadable("handles for " + name + ", which bytecode.pkl does not have");
            List<?> table = list(method.get(1), "the table of " + name);
            if (table.size() != 1) throw new Unreadable("the table of " + name + " has " + table.size() + " entries, expected 1");
            List<?> row = list(table.get(0), "the handles of " + name);
            List<?> wrapped = row.size() == 2 && row.get(1) instanceof List<?> w ? w : List.of();
            if (!"function_debug_handles".equals(row.get(0)) || wrapped.size() != 1 || !(wrapped.get(0) instanceof PyObject handles)
                    || !handles.type().qualifiedName().equals("torch.jit._pickle.build_intlist") || handles.args().size() != 1) {
                throw new Unreadable("the handles of " + name + " are not a function_debug_handles int list");
            }
            List<?> old = list(handles.args().get(0), "the handles of " + name);
            List<Object> rewritten = new ArrayList<>(code.sources.size());
            for (int source : code.sources) {
                if (source < 0 || source >= old.size()) {
                    throw new Unreadable(name + " has " + old.size() + " debug handles for more instructions");
                }
                rewritten.add(old.get(source));
            }
            PyObject list = new PyObject(new PyGlobal("torch.jit._pickle", "build_intlist"), PyTuple.of(rewritten));
            out.add(PyTuple.of(name, PyTuple.of(PyTuple.of("function_debug_handles", PyTuple.of(list)))));
        }
        return PyTuple.copyOf(out);
    }

    private static List<?> list(Object o, String what) throws Unreadable {
        if (o instanceof List<?> l) return l;
        throw new Unreadable(what + " is not a tuple");
    }
}
