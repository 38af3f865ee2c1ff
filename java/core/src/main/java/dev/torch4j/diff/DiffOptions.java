package dev.torch4j.diff;

import java.util.List;

/**
 * How two checkpoints are compared.
 *
 * @param atol          absolute tolerance
 * @param rtol          relative tolerance: elements a, b are close when |a - b| <= atol + rtol·|b|
 *                      (numpy.isclose, with B as the reference; NaN equals NaN)
 * @param stripPrefixes prefixes removed from the paths of both sides before matching, first match
 *                      only ({@code model.}, {@code module.})
 */
public record DiffOptions(double atol, double rtol, List<String> stripPrefixes) {
    /** numpy.allclose's defaults. */
    public static final DiffOptions DEFAULT = new DiffOptions(1e-8, 1e-5, List.of());

    public DiffOptions {
        if (!(atol >= 0) || !(rtol >= 0)) throw new IllegalArgumentException("tolerances must be non-negative numbers");
        stripPrefixes = List.copyOf(stripPrefixes);
    }

    String strip(String path) {
        for (String p : stripPrefixes) {
            if (!p.isEmpty() && path.startsWith(p)) return path.substring(p.length());
        }
        return path;
    }
}
