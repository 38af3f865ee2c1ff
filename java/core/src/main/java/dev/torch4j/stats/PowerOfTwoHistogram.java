package dev.torch4j.stats;

import java.util.Arrays;

/**
 * A one-pass histogram whose bins lie on a grid of width 2^e anchored at zero: bin k holds
 * [k·2^e, (k+1)·2^e). Streaming data has no known range, so the grid starts as fine as the first
 * value allows and doubles its width (merging bins pairwise, which nests exactly) whenever the values
 * seen would need more than {@link #MAX_BINS} bins. Power-of-two widths make every edge and every
 * bin index exact in floating point, so the counts equal {@code numpy.histogram(x, bins=edges())}.
 *
 * <p>The final width is the smallest 2^e whose bins cover [min, max] in at most MAX_BINS bins, but
 * never finer than 2^-50 of the largest magnitude (bin indices stay exact longs) nor below 2^-1074.
 * Between MAX_BINS/2 and MAX_BINS bins are used once the data spans several bins. Not thread-safe.
 */
public final class PowerOfTwoHistogram {
    public static final int MAX_BINS = 32;
    /** Bin width at least 2^(exponent(max |x|) - 50): indices then stay below 2^52, exact as doubles. */
    private static final int INDEX_BITS = 50;
    private static final int MIN_EXPONENT = -1074;

    private boolean empty = true;
    private int exponent;
    /** 2^-exponent when that is a normal double, else 0 (then Math.scalb is used). */
    private double inverseWidth;
    private long firstBin;
    private int usedBins;
    private final long[] counts = new long[MAX_BINS];

    /** Adds one finite value. */
    public void add(double x) {
        if (empty) {
            empty = false;
            setExponent(Math.max(Math.getExponent(x) - INDEX_BITS, MIN_EXPONENT));
            firstBin = binOf(x);
            usedBins = 1;
            counts[0] = 1;
            return;
        }
        int minExponent = Math.getExponent(x) - INDEX_BITS;
        while (exponent < minExponent) coarsen();
        long k = binOf(x);
        while (Math.max(firstBin + usedBins - 1, k) - Math.min(firstBin, k) + 1 > MAX_BINS) {
            coarsen();
            k = binOf(x);
        }
        if (k < firstBin) shiftDown(firstBin - k);
        int at = (int) (k - firstBin);
        counts[at]++;
        if (at >= usedBins) usedBins = at + 1;
    }

    public boolean isEmpty() { return empty; }

    /** log2 of the bin width. */
    public int exponent() { return exponent; }

    /** Left edge of the first bin. */
    public double low() { return empty ? 0 : Math.scalb((double) firstBin, exponent); }

    public double width() { return Math.scalb(1.0, exponent); }

    public long[] counts() { return empty ? new long[0] : Arrays.copyOf(counts, usedBins); }

    /** The usedBins + 1 edges, each exact. */
    public double[] edges() {
        double[] e = new double[empty ? 0 : usedBins + 1];
        for (int i = 0; i < e.length; i++) e[i] = Math.scalb((double) (firstBin + i), exponent);
        return e;
    }

    private void setExponent(int e) {
        exponent = e;
        inverseWidth = -e >= Double.MIN_EXPONENT && -e <= Double.MAX_EXPONENT ? Math.scalb(1.0, -e) : 0;
    }

    /** floor(x / 2^e), exact: scaling by a power of two only rounds on underflow, handled for negatives. */
    private long binOf(double x) {
        double scaled = inverseWidth != 0 ? x * inverseWidth : Math.scalb(x, -exponent);
        if (scaled == 0 && x < 0) return -1; // a negative that underflowed to -0.0 lies in bin -1
        return (long) Math.floor(scaled);
    }

    /** Moves the used bins up so that bin {@code firstBin - by} becomes index 0. */
    private void shiftDown(long by) {
        int s = (int) by;
        System.arraycopy(counts, 0, counts, s, usedBins);
        Arrays.fill(counts, 0, s, 0);
        firstBin -= s;
        usedBins += s;
    }

    /** Doubles the bin width: bin k becomes floor(k / 2). */
    private void coarsen() {
        long newFirst = Math.floorDiv(firstBin, 2);
        long[] merged = new long[MAX_BINS];
        int newUsed = 0;
        for (int i = 0; i < usedBins; i++) {
            int j = (int) (Math.floorDiv(firstBin + i, 2) - newFirst);
            merged[j] += counts[i];
            newUsed = Math.max(newUsed, j + 1);
        }
        System.arraycopy(merged, 0, counts, 0, MAX_BINS);
        firstBin = newFirst;
        usedBins = newUsed;
        setExponent(exponent + 1);
    }
}
