package dev.torch4j.stats;

import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds what usually means a broken or surprising checkpoint: NaN or infinite values, floating
 * tensors that are all zero (a dead layer, or weights never loaded), a tensor whose scale is far
 * from its siblings', and floating tensors of several dtypes in one file.
 *
 * <p>Siblings are the tensors whose paths differ only in numeric segments
 * ({@code layers.3.attn.q.weight} ~ {@code layers.#.attn.q.weight}), i.e. the same parameter of
 * repeated blocks, which training keeps at comparable scales. A tensor is an outlier when its
 * root-mean-square is more than {@link #SCALE_FACTOR} times above or below the median of at least
 * {@link #MIN_SIBLINGS} siblings.
 */
public final class WeightWarnings {
    public static final double SCALE_FACTOR = 100;
    public static final int MIN_SIBLINGS = 3;

    private WeightWarnings() {}

    public static List<Warning> find(Map<String, Tensor> tensors, Map<String, TensorStats> stats) {
        List<Warning> out = new ArrayList<>();
        for (Map.Entry<String, TensorStats> e : stats.entrySet()) {
            TensorStats s = e.getValue();
            if (s.hasNonFinite()) {
                out.add(new Warning("non_finite", List.of(e.getKey()), String.format(Locale.ROOT,
                        "%s has %d NaN, %d +Inf, %d -Inf of %d values", label(e.getKey()), s.nan(), s.posInf(), s.negInf(), s.count())));
            }
        }
        for (Map.Entry<String, TensorStats> e : stats.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t != null && t.dtype().isFloatingPoint() && e.getValue().allZero()) {
                out.add(new Warning("all_zero", List.of(e.getKey()),
                        label(e.getKey()) + " is all zeros (" + e.getValue().count() + " values)"));
            }
        }
        out.addAll(scaleOutliers(tensors, stats));
        Warning mixed = mixedDtypes(tensors);
        if (mixed != null) out.add(mixed);
        return out;
    }

    private static List<Warning> scaleOutliers(Map<String, Tensor> tensors, Map<String, TensorStats> stats) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Map.Entry<String, TensorStats> e : stats.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null || !t.dtype().isFloatingPoint() || e.getValue().finite() == 0) continue;
            groups.computeIfAbsent(siblingKey(e.getKey()), k -> new ArrayList<>()).add(e.getKey());
        }
        List<Warning> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            List<String> members = g.getValue();
            if (members.size() < MIN_SIBLINGS) continue;
            double[] scales = members.stream().mapToDouble(p -> stats.get(p).rms()).sorted().toArray();
            double median = scales.length % 2 == 1 ? scales[scales.length / 2]
                    : (scales[scales.length / 2 - 1] + scales[scales.length / 2]) / 2;
            if (!(median > 0)) continue;
            for (String p : members) {
                double ratio = stats.get(p).rms() / median;
                if (ratio > SCALE_FACTOR || ratio < 1 / SCALE_FACTOR) {
                    String scale = ratio == 0 ? "is all zeros, while the median scale (rms)"
                            : String.format(Locale.ROOT, "has scale (rms) %.3g, %.3gx the median", stats.get(p).rms(), ratio);
                    out.add(new Warning("scale_outlier", List.of(p), String.format(Locale.ROOT, "%s %s %.3g of its %d siblings %s",
                            label(p), scale, median, members.size(), g.getKey())));
                }
            }
        }
        return out;
    }

    /** The path with every all-digit segment replaced by {@code #}. */
    static String siblingKey(String path) {
        String[] parts = path.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].isEmpty() && parts[i].chars().allMatch(Character::isDigit)) parts[i] = "#";
        }
        return String.join(".", parts);
    }

    private static Warning mixedDtypes(Map<String, Tensor> tensors) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Tensor t : tensors.values()) {
            if (t.dtype().isFloatingPoint()) counts.merge(t.dtype().pythonName(), 1, Integer::sum);
        }
        if (counts.size() < 2) return null;
        StringBuilder sb = new StringBuilder("floating tensors of several dtypes:");
        counts.forEach((d, n) -> sb.append(' ').append(d).append(" \u00d7").append(n));
        return new Warning("mixed_dtypes", List.of(), sb.toString());
    }

    private static String label(String path) {
        return path.isEmpty() ? "(root tensor)" : path;
    }
}
