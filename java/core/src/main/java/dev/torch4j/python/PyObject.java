package dev.torch4j.python;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inert placeholder for an instance of a class torch4j does not know (an {@code nn.Module}
 * from {@code __main__}, an optimizer, a Lightning callback...). It records what the pickle said:
 * the class, the constructor arguments, the BUILD state and any items appended or set on it.
 * Nothing is imported or called.
 */
public final class PyObject implements PyStateful {
    private final PyGlobal type;
    private final PyTuple args;
    private Object state;
    private final List<Object> listItems = new ArrayList<>();
    private final Map<Object, Object> dictItems = new LinkedHashMap<>();
    private final Map<Object, Object> kwargs = new LinkedHashMap<>();

    public PyObject(PyGlobal type, PyTuple args) {
        this.type = type;
        this.args = args;
    }

    public PyGlobal type() { return type; }
    public PyTuple args() { return args; }
    /** The BUILD state: usually the instance {@code __dict__} as a Map, or a (dict, slots) tuple. */
    public Object state() { return state; }
    /** Items added by APPEND/APPENDS (list subclasses). */
    public List<Object> listItems() { return listItems; }
    /** Items added by SETITEM/SETITEMS (dict subclasses such as AttributeDict). */
    public Map<Object, Object> dictItems() { return dictItems; }
    /** Keyword arguments of a NEWOBJ_EX construction; empty otherwise. */
    public Map<Object, Object> kwargs() { return kwargs; }

    @Override public void setState(Object state) {
        this.state = state;
    }

    /**
     * The instance attributes: the state when it is a dict, the dict half of a (dict, slots) state,
     * merged with the slots half; empty when there is none.
     */
    @SuppressWarnings("unchecked")
    public Map<Object, Object> attributes() {
        Map<Object, Object> out = new LinkedHashMap<>();
        if (state instanceof Map<?, ?> m) {
            out.putAll((Map<Object, Object>) m);
        } else if (state instanceof PyTuple t && t.size() == 2) {
            if (t.get(0) instanceof Map<?, ?> d) out.putAll((Map<Object, Object>) d);
            if (t.get(1) instanceof Map<?, ?> s) out.putAll((Map<Object, Object>) s);
        }
        return out;
    }

    @Override public String toString() {
        return type.qualifiedName() + "(...)";
    }
}
