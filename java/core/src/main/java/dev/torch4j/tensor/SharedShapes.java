package dev.torch4j.tensor;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Immutable copies of shape and stride arrays, shared between tensors that have equal ones. A
 * checkpoint of 20,000 tensors holds a few dozen distinct shapes; without sharing every tensor
 * kept two arrays of its own. Tensors never write to these arrays nor hand them out (their
 * accessors return copies), so sharing is invisible to callers.
 *
 * <p>A small direct-mapped table: a miss just copies the array and takes the slot. The slots are
 * an {@link AtomicReferenceArray} so that another thread sees an array's elements once it sees
 * the array.
 */
final class SharedShapes {
    private static final int SLOTS = 1024;
    /** Longer arrays are rare and not worth a slot. */
    private static final int MAX_RANK = 8;
    private static final AtomicReferenceArray<long[]> TABLE = new AtomicReferenceArray<>(SLOTS);

    private SharedShapes() {}

    /** An array equal to {@code a} that nobody else may write: a shared one, or a fresh copy. */
    static long[] of(long[] a) {
        if (a.length > MAX_RANK) return a.clone();
        int h = Arrays.hashCode(a);
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        long[] cached = TABLE.get(slot);
        if (cached != null && Arrays.equals(cached, a)) return cached;
        long[] copy = a.clone();
        TABLE.set(slot, copy);
        return copy;
    }
}
