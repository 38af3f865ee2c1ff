package dev.torch4j.tensor;

import java.util.Arrays;

/**
 * Immutable copies of shape and stride arrays, shared between tensors that have equal ones. A
 * checkpoint of 20,000 tensors holds a few dozen distinct shapes; without sharing every tensor
 * kept two arrays of its own. Tensors never write to these arrays nor hand them out (their
 * accessors return copies), so sharing is invisible to callers.
 *
 * <p>A small direct-mapped table: a miss just copies the array and takes the slot. A slot holds a
 * {@link Shape}, whose final field makes another thread that sees the holder see the array's
 * elements too (JLS 17.5), with plain reads: an {@code AtomicReferenceArray}'s accessors are
 * method-handle calls that the client compiler, which runs short commands, does not fold
 * (a tenth of the time of building 20,000 tensors).
 */
final class SharedShapes {
    private static final int SLOTS = 1024;
    /** Longer arrays are rare and not worth a slot. */
    private static final int MAX_RANK = 8;
    /** Racy by design: a lost or stale slot costs one copy, never a wrong array. */
    private static final Shape[] TABLE = new Shape[SLOTS];

    /** One shared array; the final field publishes its elements safely. */
    private static final class Shape {
        final long[] values;

        Shape(long[] values) {
            this.values = values;
        }
    }

    private SharedShapes() {}

    /** An array equal to {@code a} that nobody else may write: a shared one, or a fresh copy. */
    static long[] of(long[] a) {
        if (a.length > MAX_RANK) return a.clone();
        int h = Arrays.hashCode(a);
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        Shape cached = TABLE[slot];
        if (cached != null && Arrays.equals(cached.values, a)) return cached.values;
        long[] copy = a.clone();
        TABLE[slot] = new Shape(copy);
        return copy;
    }
}
