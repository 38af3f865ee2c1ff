package dev.torch4j.pickle;

import dev.torch4j.python.PyStateful;

/**
 * A stateful placeholder whose BUILD produces a different final value, e.g. numpy's
 * {@code _reconstruct} result that becomes a tensor once BUILD supplies shape, dtype and bytes.
 * After {@link #setState} the machine replaces it on the stack and in the memo by {@link #replacement()}.
 *
 * <p>A class, not an interface: the machine asks every memoized value whether it is one (about nine
 * per tensor), and a short-lived command's C1 code answers that for a class by one comparison, for an
 * interface the value does not implement by scanning the value's interfaces each time.
 */
public abstract class PyReplacing implements PyStateful {
    /** The value that stands for this object from now on (may be {@code this}). */
    public abstract Object replacement();
}
