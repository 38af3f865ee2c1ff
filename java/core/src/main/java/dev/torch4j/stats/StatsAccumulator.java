package dev.torch4j.stats;

/**
 * Accumulates {@link TensorStats} chunk by chunk in double precision. Each chunk's mean and sum of
 * squared deviations are computed exactly in two passes over the chunk (it is in memory anyway),
 * then merged into the running totals with Chan et al.'s pairwise update: no catastrophic
 * cancellation as in sum-of-squares, and the result does not depend on chunk size beyond rounding.
 * Not thread-safe; one per tensor.
 */
public final class StatsAccumulator {
    private long count;
    private long finite;
    private long nan;
    private long posInf;
    private long negInf;
    private long zeros;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double mean;
    /** Sum of squared deviations from the mean over the finite values. */
    private double m2;
    private final PowerOfTwoHistogram histogram = new PowerOfTwoHistogram();

    /** Adds {@code values[0..n)}. */
    public void add(double[] values, int n) {
        count += n;
        long chunkFinite = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double v = values[i];
            if (v == 0) zeros++;
            if (Double.isFinite(v)) {
                chunkFinite++;
                sum += v;
                if (v < min) min = v;
                if (v > max) max = v;
                histogram.add(v);
            } else if (Double.isNaN(v)) {
                nan++;
            } else if (v > 0) {
                posInf++;
            } else {
                negInf++;
            }
        }
        if (chunkFinite == 0) return;
        double chunkMean = sum / chunkFinite;
        double chunkM2 = 0;
        double correction = 0; // the classic compensated two-pass: removes the rounding error of chunkMean
        for (int i = 0; i < n; i++) {
            double v = values[i];
            if (Double.isFinite(v)) {
                double d = v - chunkMean;
                chunkM2 += d * d;
                correction += d;
            }
        }
        chunkM2 -= correction * correction / chunkFinite;
        chunkMean += correction / chunkFinite;
        merge(chunkFinite, chunkMean, chunkM2);
    }

    private void merge(long nb, double meanB, double m2B) {
        long na = finite;
        long total = na + nb;
        double delta = meanB - mean;
        mean += delta * ((double) nb / total);
        m2 += m2B + delta * delta * ((double) na * nb / total);
        finite = total;
    }

    public TensorStats result() {
        boolean any = finite > 0;
        return new TensorStats(count, finite, nan, posInf, negInf, zeros,
                any ? min : Double.NaN, any ? max : Double.NaN, any ? mean : Double.NaN,
                any ? Math.sqrt(Math.max(0, m2 / finite)) : Double.NaN, histogram);
    }
}
