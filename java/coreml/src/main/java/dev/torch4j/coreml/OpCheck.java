package dev.torch4j.coreml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a conversion found, for {@code --check-only} and for export alike (both run the whole
 * conversion): every op kind in the graph with its count, and every problem in graph order. The
 * model is convertible exactly when there is no problem, which is exactly when export writes it.
 */
public record OpCheck(List<OpUse> ops, List<Problem> problems) {

    /** One op kind: how often it occurs, whether the converter knows it, and the module paths it occurs in. */
    public record OpUse(String op, boolean supported, int count, List<String> where) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("op", op);
            m.put("supported", supported);
            m.put("count", (long) count);
            m.put("where", where);
            return m;
        }
    }

    /** One reason the model is not written: the op, its module path, whether the op is unknown, and the message. */
    public record Problem(String op, String where, boolean unknownOp, String message) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("op", op);
            m.put("where", where);
            m.put("supported", !unknownOp);
            m.put("message", message);
            return m;
        }
    }

    public boolean convertible() {
        return problems.isEmpty();
    }

    static OpCheck of(TorchGraph g, List<GraphConverter.Problem> found) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Set<String>> where = new LinkedHashMap<>();
        for (TorchGraph.Node n : g.nodes()) {
            counts.merge(n.kind(), 1, Integer::sum);
            where.computeIfAbsent(n.kind(), k -> new LinkedHashSet<>()).add(n.where());
        }
        List<OpUse> ops = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            ops.add(new OpUse(e.getKey(), SupportedOps.isSupported(e.getKey()), e.getValue(), List.copyOf(where.get(e.getKey()))));
        }
        List<Problem> problems = new ArrayList<>();
        for (GraphConverter.Problem p : found) problems.add(new Problem(p.op(), p.where(), p.unknownOp(), p.message()));
        return new OpCheck(List.copyOf(ops), List.copyOf(problems));
    }

    /** {"convertible", "ops": [...], "problems": [...]} for --json. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("convertible", convertible());
        List<Object> all = new ArrayList<>();
        for (OpUse u : ops) all.add(u.toJson());
        m.put("ops", all);
        List<Object> bad = new ArrayList<>();
        for (Problem p : problems) bad.add(p.toJson());
        m.put("problems", bad);
        return m;
    }
}
