package dev.torch4j.cli;

import dev.torch4j.diff.DiffResult;
import dev.torch4j.diff.TensorComparison;
import dev.torch4j.json.JsonWriter;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/** {@code diff}'s output: a summary for people, or the JSON contract. */
final class DiffOutput {
    private DiffOutput() {}

    static void text(DiffResult r, String a, String b, PrintWriter out) {
        out.println("A  " + a);
        out.println("B  " + b);
        list(out, "only in A", r.onlyInA());
        list(out, "only in B", r.onlyInB());
        List<TensorComparison> changed = r.common().stream().filter(DiffCommand::isChange).toList();
        if (!changed.isEmpty()) {
            out.println("changed (" + changed.size() + ")");
            int w = changed.stream().mapToInt(c -> c.path().length()).max().orElse(0);
            for (TensorComparison c : changed) {
                out.println("  " + c.path() + " ".repeat(w - c.path().length()) + "  " + describe(c));
            }
        }
        long close = r.count(TensorComparison.Status.CLOSE);
        if (close > 0) {
            double maxAbs = r.common().stream().filter(c -> c.status() == TensorComparison.Status.CLOSE)
                    .mapToDouble(TensorComparison::maxAbsDiff).max().orElse(0);
            out.println("within tolerance: " + close + (close == 1 ? " tensor" : " tensors") + " (max abs diff " + num(maxAbs) + ")");
        }
        out.println("equal: " + r.count(TensorComparison.Status.EQUAL) + " of " + r.common().size() + " common tensors");
        out.println((r.equalWithinTolerance() ? "same" : "different") + " (atol " + num(r.options().atol())
                + ", rtol " + num(r.options().rtol()) + ")");
    }

    private static String describe(TensorComparison c) {
        StringBuilder sb = new StringBuilder();
        if (c.status() == TensorComparison.Status.SHAPE_CHANGED) {
            sb.append("shape ").append(DiffCommand.shape(c.shapeA())).append(" -> ").append(DiffCommand.shape(c.shapeB()));
            if (!c.dtypeA().equals(c.dtypeB())) sb.append(", dtype ").append(c.dtypeA()).append(" -> ").append(c.dtypeB());
            return sb.toString();
        }
        if (!c.dtypeA().equals(c.dtypeB())) sb.append("dtype ").append(c.dtypeA()).append(" -> ").append(c.dtypeB()).append("; ");
        if (c.outside() < 0) return sb.append("values not comparable").toString();
        sb.append(c.outside()).append(" of ").append(c.numel()).append(" outside tolerance, max abs ")
                .append(num(c.maxAbsDiff())).append(", max rel ").append(num(c.maxRelDiff()));
        if (c.worstIndex() >= 0) sb.append(", worst at ").append(DiffCommand.shape(DiffCommand.unravel(c.worstIndex(), c.shapeA())));
        return sb.toString();
    }

    private static void list(PrintWriter out, String what, List<String> paths) {
        if (paths.isEmpty()) return;
        out.println(what + " (" + paths.size() + ")");
        int shown = Math.min(paths.size(), 50);
        for (int i = 0; i < shown; i++) out.println("  " + (paths.get(i).isEmpty() ? "(root)" : paths.get(i)));
        if (paths.size() > shown) out.println("  ... " + (paths.size() - shown) + " more (--json lists all)");
    }

    static String num(double v) {
        if (v == 0) return "0";
        if (Double.isInfinite(v) || Double.isNaN(v)) return Double.toString(v);
        // three significant digits, no padding zeros: 3, 0.000342, 1e-8
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toString()
                .replace("E", "e").replace("e+", "e");
    }

    static void json(DiffResult r, String a, String b, PrintWriter out) throws IOException {
        JsonWriter w = new JsonWriter(out, true).nonFinite(JsonWriter.NonFinite.STRING);
        writeJson(r, a, b, w);
        w.finish();
        out.println();
    }

    /** The diff as one JSON object (also embedded in report pages). */
    static void writeJson(DiffResult r, String a, String b, JsonWriter w) throws IOException {
        w.beginObject();
        w.name("a").value(a);
        w.name("b").value(b);
        w.name("atol").value(r.options().atol());
        w.name("rtol").value(r.options().rtol());
        w.name("equal").value(r.equalWithinTolerance());
        w.name("only_in_a").value(r.onlyInA());
        w.name("only_in_b").value(r.onlyInB());
        w.name("tensors").beginArray();
        for (TensorComparison c : r.common()) {
            w.beginObject();
            w.name("path").value(c.path());
            w.name("status").value(c.status().id());
            w.name("dtype_a").value(c.dtypeA());
            w.name("dtype_b").value(c.dtypeB());
            w.name("shape_a").value(c.shapeA());
            w.name("shape_b").value(c.shapeB());
            w.name("numel").value(c.numel());
            if (c.outside() >= 0) {
                w.name("outside").value(c.outside());
                w.name("max_abs").value(c.maxAbsDiff());
                w.name("max_rel").value(c.maxRelDiff());
                if (c.worstIndex() >= 0) w.name("worst_index").value(DiffCommand.unravel(c.worstIndex(), c.shapeA()));
            }
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
}
