package dev.torch4j;

/**
 * Bounds checked before anything is allocated, so hostile input cannot exhaust memory or stack.
 * Declared lengths are also always checked against the bytes actually remaining. Every error a
 * limit raises names the component to raise ({@code PickleLimits.maxIntegerBytes}...).
 *
 * @param maxIntegerBytes bytes of one LONG1/LONG4 integer. Python's pickle has no such limit, but
 *                        a 4 MiB integer costs seconds to build and print while no checkpoint holds
 *                        an integer wider than a few words; 64 KiB is a 157,826-digit number.
 */
public record PickleLimits(int maxDepth, int maxMemo, long maxObjects, int maxContainerItems, int maxIntegerBytes) {
    public static final int DEFAULT_MAX_INTEGER_BYTES = 64 << 10;
    public static final PickleLimits DEFAULT = new PickleLimits(1_000, 10_000_000, 100_000_000L, 100_000_000,
            DEFAULT_MAX_INTEGER_BYTES);

    public PickleLimits(int maxDepth, int maxMemo, long maxObjects, int maxContainerItems) {
        this(maxDepth, maxMemo, maxObjects, maxContainerItems, DEFAULT_MAX_INTEGER_BYTES);
    }

    public PickleLimits withMaxIntegerBytes(int bytes) {
        return new PickleLimits(maxDepth, maxMemo, maxObjects, maxContainerItems, bytes);
    }
}
