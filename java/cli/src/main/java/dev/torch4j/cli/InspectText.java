package dev.torch4j.cli;

import java.io.PrintWriter;
import java.util.Map;

/** {@code inspect} for people: aligned columns, sizes in KiB/MiB, long lists shortened. */
final class InspectText {
    /** Non-tensor values shown before "... N more" (all of them are in --json). */
    private static final int SHOWN_VALUES = 40;

    private InspectText() {}

    static void write(Inspection in, PrintWriter out) {
        out.println("file    " + in.file());
        out.println("format  " + in.format());
        if (!in.metadata().isEmpty()) {
            out.println();
            out.println("metadata");
            // Loops here, not streams with lambdas: a short command's first lambda initialises java.lang.invoke
            // (several ms of a 0.2 s inspect); see docs/building.md.
            int w = 0;
            for (String key : in.metadata().keySet()) w = Math.max(w, key.length());
            for (Map.Entry<String, Object> e : in.metadata().entrySet()) {
                out.println("  " + pad(e.getKey(), w) + "  " + e.getValue());
            }
        }
        out.println();
        out.println("tensors");
        if (in.tensors().isEmpty()) out.println("  (none)");
        int pw = 4, dw = 5, sw = 5;
        for (Inspection.Row r : in.tensors()) {
            pw = Math.max(pw, display(r.path()).length());
            dw = Math.max(dw, r.dtype().length());
            sw = Math.max(sw, shape(r.shape()).length());
        }
        boolean hashed = !in.tensors().isEmpty() && in.tensors().get(0).sha256() != null;
        for (Inspection.Row r : in.tensors()) {
            StringBuilder line = new StringBuilder("  ")
                    .append(pad(display(r.path()), pw)).append("  ")
                    .append(pad(r.dtype(), dw)).append("  ")
                    .append(pad(shape(r.shape()), sw)).append("  ")
                    .append(padLeft(bytes(r.bytes()), 10));
            if (!"cpu".equals(r.device())) line.append("  ").append(r.device());
            if (hashed) line.append("  ").append(r.sha256());
            out.println(line.toString().stripTrailing());
        }
        if (!in.values().isEmpty()) {
            out.println();
            out.println("values");
            int shown = Math.min(SHOWN_VALUES, in.values().size());
            int w = 0;
            for (ValueWalker.Value v : in.values().subList(0, shown)) w = Math.max(w, display(v.path()).length());
            for (ValueWalker.Value v : in.values().subList(0, shown)) {
                out.println("  " + pad(display(v.path()), w) + "  " + valueText(v));
            }
            int more = in.values().size() - shown + in.hiddenValues();
            if (more > 0) out.println("  ... " + more + " more (see --json)");
        }
        out.println();
        Inspection.Totals t = in.totals();
        out.println(t.count() + (t.count() == 1 ? " tensor, " : " tensors, ")
                + String.format(java.util.Locale.ROOT, "%,d", t.parameters()) + " parameters, " + bytes(t.bytes()) + " of tensor data");
    }

    private static String valueText(ValueWalker.Value v) {
        if (v.value() == null) return "None";
        if (v.value() instanceof Boolean b) return b ? "True" : "False"; // as Python prints them
        if (v.type().equals("str")) return "'" + v.value() + "'";
        return String.valueOf(v.value());
    }

    /** The root tensor's path is "", shown as "(root)". */
    private static String display(String path) {
        return path.isEmpty() ? "(root)" : path;
    }

    static String shape(long[] shape) {
        return java.util.Arrays.toString(shape); // "[3, 4]", "[]": the same text, no stream
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static String padLeft(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }
}
