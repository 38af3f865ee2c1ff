package dev.torch4j.stats;

/**
 * Statistics of one tensor's elements. min, max, mean and std (population, ddof=0, as numpy's
 * default) cover the finite values only, so one NaN does not hide the scale of the rest; they are
 * NaN when there is no finite value. NaN and infinities are counted apart. {@code zeros} counts
 * elements equal to zero (-0.0 too) among all {@code count} elements.
 */
public record TensorStats(long count, long finite, long nan, long posInf, long negInf, long zeros,
                          double min, double max, double mean, double std, PowerOfTwoHistogram histogram) {

    /** Share of elements that are zero, 0 for an empty tensor. */
    public double zeroShare() {
        return count == 0 ? 0 : (double) zeros / count;
    }

    /** Root mean square of the finite values: the tensor's scale, whatever its sign or centre. */
    public double rms() {
        return Math.sqrt(mean * mean + std * std);
    }

    public boolean hasNonFinite() {
        return nan + posInf + negInf > 0;
    }

    /** Every element is zero (and there is at least one). */
    public boolean allZero() {
        return count > 0 && zeros == count;
    }
}
