package dev.torch4j.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Edge cases of the streaming grid that the fixtures do not reach. */
class PowerOfTwoHistogramTest {
    @Test void widensInBothDirectionsAndKeepsEveryValue() {
        PowerOfTwoHistogram h = new PowerOfTwoHistogram();
        double[] xs = {1.0, 1.0000001, -3, 1e6, -1e6, 0, 5e-300, -5e-300};
        for (double x : xs) h.add(x);
        long total = 0;
        for (long c : h.counts()) total += c;
        assertEquals(xs.length, total);
        assertTrue(h.counts().length <= PowerOfTwoHistogram.MAX_BINS);
        assertTrue(h.counts().length > PowerOfTwoHistogram.MAX_BINS / 2);
        double[] edges = h.edges();
        assertTrue(edges[0] <= -1e6 && edges[edges.length - 1] > 1e6);
        // -5e-300 lies in the bin left of zero, 5e-300 right of it
        int zeroEdge = java.util.Arrays.binarySearch(edges, 0.0);
        assertTrue(zeroEdge > 0, "0 is an edge of a grid anchored at 0");
    }

    @Test void oneValueMakesOneBin() {
        PowerOfTwoHistogram h = new PowerOfTwoHistogram();
        h.add(-2.5);
        h.add(-2.5);
        assertArrayEquals(new long[] {2}, h.counts());
        assertTrue(h.low() <= -2.5 && h.low() + h.width() > -2.5);
    }
}
