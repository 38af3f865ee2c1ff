package dev.torch4j.pickle;

import dev.torch4j.ErrorKind;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The pickle memo: small keys (the usual 0, 1, 2...) in a growing array, anything else in a map,
 * so a hostile LONG_BINPUT 4294967295 costs one map entry rather than a 4-billion-slot array.
 * An empty slot of the array is null and a stored None is {@code NONE}, so growing the array
 * (a torch.save pickle memoizes ~9 values per tensor) is a plain copy with nothing to fill.
 */
final class Memo {
    /** A memoized None in the dense array. */
    private static final Object NONE = new Object();
    private static final int DENSE_LIMIT = 1 << 22;

    private final int maxEntries;
    private Object[] dense = new Object[64];
    private Map<Long, Object> sparse;
    private int size;

    Memo(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    int size() { return size; }

    /** An independent copy (the values themselves are shared). */
    Memo copy() {
        Memo m = new Memo(maxEntries);
        m.dense = dense.clone();
        m.sparse = sparse == null ? null : new HashMap<>(sparse);
        m.size = size;
        return m;
    }

    <E extends Exception> void put(long key, Object value, Refusal<E> refusal) throws E {
        if (key < 0) throw refusal.refuse(ErrorKind.CORRUPT, "negative memo key " + key);
        if (sparse != null && sparse.containsKey(key)) {
            sparse.put(key, value);
            return;
        }
        // Dense only while keys stay close to the count stored, so sparse hostile keys cannot inflate the array.
        if (key < dense.length || (key < DENSE_LIMIT && key <= 2L * size + 1024)) {
            int k = (int) key;
            if (k >= dense.length) {
                int n = Math.max(dense.length * 2, k + 1);
                dense = Arrays.copyOf(dense, Math.min(n, DENSE_LIMIT));
            }
            if (dense[k] == null) grow(refusal);
            dense[k] = value == null ? NONE : value;
        } else {
            if (sparse == null) sparse = new HashMap<>();
            if (!sparse.containsKey(key)) grow(refusal);
            sparse.put(key, value);
        }
    }

    <E extends Exception> Object get(long key, Refusal<E> refusal) throws E {
        if (key >= 0 && key < dense.length) {
            Object v = dense[(int) key];
            if (v != null) return v == NONE ? null : v;
        }
        if (sparse != null && sparse.containsKey(key)) return sparse.get(key);
        throw refusal.refuse(ErrorKind.CORRUPT, "memo key " + key + " was never stored");
    }

    private <E extends Exception> void grow(Refusal<E> refusal) throws E {
        if (size >= maxEntries) throw refusal.refuse(ErrorKind.LIMIT, "memo holds more than " + maxEntries + " entries (limit)");
        size++;
    }
}
