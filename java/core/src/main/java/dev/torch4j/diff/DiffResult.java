package dev.torch4j.diff;

import java.util.List;

/**
 * The difference between checkpoints A and B: tensor paths (after prefix stripping) only in A, only
 * in B, and each common tensor's comparison, in A's order.
 */
public record DiffResult(List<String> onlyInA, List<String> onlyInB, List<TensorComparison> common, DiffOptions options) {
    public DiffResult {
        onlyInA = List.copyOf(onlyInA);
        onlyInB = List.copyOf(onlyInB);
        common = List.copyOf(common);
    }

    /** Same tensor names, dtypes and shapes, and every value within tolerance. */
    public boolean equalWithinTolerance() {
        return onlyInA.isEmpty() && onlyInB.isEmpty() && common.stream().allMatch(TensorComparison::matches);
    }

    public long count(TensorComparison.Status s) {
        return common.stream().filter(c -> c.status() == s).count();
    }
}
