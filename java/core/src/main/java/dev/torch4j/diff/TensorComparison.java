package dev.torch4j.diff;

/**
 * One tensor present on both sides.
 *
 * @param status       {@link Status}
 * @param outside      elements outside tolerance (shapes equal only; -1 otherwise)
 * @param maxAbsDiff   max |a - b| over the elements (0 when all equal; +Inf when one side is
 *                     infinite or NaN where the other is not); NaN when shapes differ
 * @param maxRelDiff   max |a - b| / |b| (an element with b = 0 and a != 0 counts as +Inf)
 * @param worstIndex   row-major index of the element with the largest |a - b| beyond tolerance, -1 if none
 */
public record TensorComparison(String path, String dtypeA, String dtypeB, long[] shapeA, long[] shapeB,
                               Status status, long numel, long outside, double maxAbsDiff, double maxRelDiff,
                               long worstIndex) {
    public enum Status {
        /** Same dtype and shape, every element bit-for-bit equal as a value (NaN = NaN). */
        EQUAL,
        /** Same dtype and shape, some elements differ but all are within tolerance. */
        CLOSE,
        /** Same shape, some elements outside tolerance. */
        DIFFERENT,
        /** Values within tolerance, but the dtype changed. */
        DTYPE_CHANGED,
        /** Shapes differ: values not compared. */
        SHAPE_CHANGED;

        public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** Whether this tensor counts as the same within tolerance. */
    public boolean matches() {
        return status == Status.EQUAL || status == Status.CLOSE;
    }
}
