package dev.torch4j.libtorch;

import java.util.List;

/**
 * How a set of weights lined up with a module's parameters and buffers, in the terms of PyTorch's
 * {@code load_state_dict(strict=True)}.
 *
 * @param matched          keys copied into the module
 * @param missing          module keys the weights do not have
 * @param unexpected       weight keys the module does not have
 * @param shapeMismatches  {@code key: weights [..] vs module [..]}: never loadable
 * @param dtypeMismatches  {@code key: float32 -> int64}: a cast across kinds (refused when strict)
 * @param dtypeCasts       {@code key: float16 -> float32}: floating-point casts, always done
 * @param hint             a suggestion when little matched (a prefix to strip), or null
 */
public record MatchReport(List<String> matched, List<String> missing, List<String> unexpected,
                          List<String> shapeMismatches, List<String> dtypeMismatches, List<String> dtypeCasts,
                          String hint) {

    /** Whether the weights may be loaded: shapes always must agree; the rest only when strict. */
    public boolean acceptable(boolean strict) {
        if (!shapeMismatches.isEmpty()) return false;
        if (matched.isEmpty()) return false;
        return !strict || (missing.isEmpty() && unexpected.isEmpty() && dtypeMismatches.isEmpty());
    }

    /** A multi-line account like PyTorch's "Error(s) in loading state_dict". */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("matched ").append(matched.size()).append(" tensor(s)");
        list(sb, "missing keys", missing);
        list(sb, "unexpected keys", unexpected);
        list(sb, "size mismatches", shapeMismatches);
        list(sb, "dtype mismatches", dtypeMismatches);
        list(sb, "dtype casts", dtypeCasts);
        if (hint != null) sb.append("\nhint: ").append(hint);
        return sb.toString();
    }

    private static void list(StringBuilder sb, String title, List<String> items) {
        if (items.isEmpty()) return;
        sb.append('\n').append(title).append(" (").append(items.size()).append("):");
        int shown = 0;
        for (String s : items) {
            if (shown++ == 20) {
                sb.append("\n  ... ").append(items.size() - 20).append(" more");
                break;
            }
            sb.append("\n  ").append(s);
        }
    }
}
