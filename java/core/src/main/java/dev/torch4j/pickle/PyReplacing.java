package dev.torch4j.pickle;

import dev.torch4j.python.PyStateful;

/**
 * A stateful placeholder whose BUILD produces a different final value, e.g. numpy's
 * {@code _reconstruct} result that becomes a tensor once BUILD supplies shape, dtype and bytes.
 * After {@link #setState} the machine replaces it on the stack and in the memo by {@link #replacement()}.
 */
public interface PyReplacing extends PyStateful {
    /** The value that stands for this object from now on (may be {@code this}). */
    Object replacement();
}
