package dev.torch4j.python;

import java.util.Collection;
import java.util.LinkedHashSet;

/**
 * A Python {@code frozenset}: a set in file order that, unlike a mutable set, may be a dict key or
 * set member. Kept distinct so the machine can refuse to add items to it (which also guarantees it
 * can never contain itself, so hashing it always terminates).
 */
public final class PyFrozenSet extends LinkedHashSet<Object> {
    @java.io.Serial private static final long serialVersionUID = 1L;
    public PyFrozenSet() {}

    public PyFrozenSet(Collection<?> items) { super(items); }
}
