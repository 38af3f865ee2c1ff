package dev.torch4j.pickle;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The pickle memo: small keys (the usual 0, 1, 2...) in a growing array, anything else in a map,
 * so a hostile LONG_BINPUT 4294967295 costs one map entry rather than a 4-billion-slot array.
 */
final class Memo {
    private static final Object ABSENT = new Object();
    private static final int DENSE_LIMIT = 1 << 22;

    private final int maxEntries;
    private Object[] dense = new Object[64];
    private Map<Long, Object> sparse;
    private int size;

    Memo(int maxEntries) {
        this.maxEntries = maxEntries;
        Arrays.fill(dense, ABSENT);
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

    void put(long key, Object value) {
        if (key < 0) throw new PickleFormatError("negative memo key " + key);
        if (sparse != null && sparse.containsKey(key)) {
            sparse.put(key, value);
            return;
        }
        // Dense only while keys stay close to the count stored, so sparse hostile keys cannot inflate the array.
        if (key < dense.length || (key < DENSE_LIMIT && key <= 2L * size + 1024)) {
            int k = (int) key;
            if (k >= dense.length) {
                int n = Math.max(dense.length * 2, k + 1);
                Object[] grown = Arrays.copyOf(dense, Math.min(n, DENSE_LIMIT));
                Arrays.fill(grown, dense.length, grown.length, ABSENT);
                dense = grown;
            }
            if (dense[k] == ABSENT) grow();
            dense[k] = value;
        } else {
            if (sparse == null) sparse = new HashMap<>();
            if (!sparse.containsKey(key)) grow();
            sparse.put(key, value);
        }
    }

    Object get(long key) {
        Object v = ABSENT;
        if (key >= 0 && key < dense.length) v = dense[(int) key];
        if (v == ABSENT && sparse != null && sparse.containsKey(key)) v = sparse.get(key);
        if (v == ABSENT) throw new PickleFormatError("memo key " + key + " was never stored");
        return v;
    }

    private void grow() {
        if (size >= maxEntries) throw new PickleFormatError("memo holds more than " + maxEntries + " entries (limit)");
        size++;
    }
}
