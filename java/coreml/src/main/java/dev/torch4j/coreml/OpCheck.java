package dev.torch4j.coreml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --check-only}: every op kind in the graph, whether the converter knows it, and where unknown ones are used. */
public record OpCheck(List<OpUse> ops, List<OpUse> unsupported) {

    /** One op kind: how often it occurs and the module paths it occurs in (first seen first). */
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

    public boolean convertible() {
        return unsupported.isEmpty();
    }

    static OpCheck of(TorchGraph g) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Set<String>> where = new LinkedHashMap<>();
        if (!g.constants().isEmpty()) counts.put("prim::Constant", g.constants().size());
        for (TorchGraph.Node n : g.nodes()) {
            counts.merge(n.kind(), 1, Integer::sum);
            Set<String> w = where.computeIfAbsent(n.kind(), k -> new LinkedHashSet<>());
            if (n.modulePath().isEmpty()) w.add("(top module)");
            else w.addAll(List.of(n.modulePath().split(", ")));
        }
        List<OpUse> ops = new ArrayList<>();
        List<OpUse> bad = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            String kind = e.getKey();
            OpUse use = new OpUse(kind, SupportedOps.isSupported(kind), e.getValue(),
                    List.copyOf(where.getOrDefault(kind, Set.of("(top module)"))));
            ops.add(use);
            if (!use.supported()) bad.add(use);
        }
        return new OpCheck(List.copyOf(ops), List.copyOf(bad));
    }

    /** {"convertible", "ops": [...], "unsupported": [...]} for --json. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("convertible", convertible());
        List<Object> all = new ArrayList<>();
        for (OpUse u : ops) all.add(u.toJson());
        m.put("ops", all);
        List<Object> bad = new ArrayList<>();
        for (OpUse u : unsupported) bad.add(u.toJson());
        m.put("unsupported", bad);
        return m;
    }
}
