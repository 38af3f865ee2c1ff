package dev.torch4j.read;

import dev.torch4j.python.PyObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Recognises PyTorch Lightning checkpoints and lifts their bookkeeping into metadata. */
public final class LightningInfo {
    private static final List<String> SECTIONS = List.of("state_dict", "optimizer_states", "lr_schedulers",
            "hyper_parameters", "loops", "callbacks", "hparams_name", "datamodule_hyper_parameters");

    private LightningInfo() {}

    static boolean isLightning(Object root) {
        return root instanceof Map<?, ?> m && (m.containsKey("pytorch-lightning_version")
                || m.containsKey("state_dict") && m.containsKey("epoch") && m.containsKey("global_step"));
    }

    public static void describe(Object root, Map<String, Object> meta) {
        if (!isLightning(root)) return;
        Map<?, ?> m = (Map<?, ?>) root;
        Object version = m.get("pytorch-lightning_version");
        meta.put("lightning.version", version == null ? null : String.valueOf(version));
        if (m.containsKey("epoch")) meta.put("epoch", m.get("epoch"));
        if (m.containsKey("global_step")) meta.put("global_step", m.get("global_step"));
        List<String> keys = new ArrayList<>();
        for (String k : SECTIONS) if (m.containsKey(k)) keys.add(k);
        meta.put("lightning.keys", keys);
        Object hp = m.get("hyper_parameters");
        if (hp != null) meta.put("hyper_parameters", asMap(hp));
    }

    /** AttributeDict and other dict subclasses arrive as placeholders; show them as plain maps. */
    static Object asMap(Object v) {
        if (v instanceof PyObject o) {
            Map<Object, Object> out = new LinkedHashMap<>(o.attributes());
            out.putAll(o.dictItems());
            return out;
        }
        return v;
    }
}
