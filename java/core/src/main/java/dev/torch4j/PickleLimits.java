package dev.torch4j;

/**
 * Bounds checked before anything is allocated, so hostile input cannot exhaust memory or stack.
 * Declared lengths are also always checked against the bytes actually remaining.
 */
public record PickleLimits(int maxDepth, int maxMemo, long maxObjects, int maxContainerItems) {
    public static final PickleLimits DEFAULT = new PickleLimits(1_000, 10_000_000, 100_000_000L, 100_000_000);
}
