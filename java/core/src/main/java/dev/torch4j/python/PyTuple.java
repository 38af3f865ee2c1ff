package dev.torch4j.python;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/** A Python tuple: an immutable list, hashable by value (tuples can be dict keys). */
public final class PyTuple extends AbstractList<Object> {
    public static final PyTuple EMPTY = new PyTuple(new Object[0]);

    private final Object[] items;

    private PyTuple(Object[] items) { this.items = items; }

    public static PyTuple of(Object... items) {
        return items.length == 0 ? EMPTY : new PyTuple(items.clone());
    }

    // Fixed-arity forms: the pickle machine builds a tuple per TUPLE1/2/3 opcode (two per tensor),
    // and the varargs form would allocate the argument array and then its defensive copy.
    public static PyTuple of(Object a) { return new PyTuple(new Object[] {a}); }
    public static PyTuple of(Object a, Object b) { return new PyTuple(new Object[] {a, b}); }
    public static PyTuple of(Object a, Object b, Object c) { return new PyTuple(new Object[] {a, b, c}); }

    /** The items {@code a[from..to)}: one array copy (the machine builds tuples from its stack). */
    public static PyTuple copyOfRange(Object[] a, int from, int to) {
        return from == to ? EMPTY : new PyTuple(Arrays.copyOfRange(a, from, to));
    }

    public static PyTuple copyOf(List<?> items) {
        return items.isEmpty() ? EMPTY : new PyTuple(items.toArray());
    }

    @Override public Object get(int index) { return items[index]; }
    @Override public int size() { return items.length; }

    @Override public String toString() {
        String s = Arrays.toString(items);
        return "(" + s.substring(1, s.length() - 1) + (items.length == 1 ? ",)" : ")");
    }
}
