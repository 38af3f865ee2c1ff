package dev.torch4j.libtorch;

import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NamedJitModule;
import org.bytedeco.pytorch.NamedTensor;
import org.bytedeco.pytorch.named_buffer_iterator;
import org.bytedeco.pytorch.named_buffer_list;
import org.bytedeco.pytorch.named_module_iterator;
import org.bytedeco.pytorch.named_module_list;
import org.bytedeco.pytorch.named_parameter_iterator;
import org.bytedeco.pytorch.named_parameter_list;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A module's parameters and buffers by state_dict name, in {@code state_dict()} order: module by
 * module (depth first), each module's parameters before its buffers. Call inside a PointerScope:
 * the tensors are handles into the live module.
 */
final class ModuleState {
    private ModuleState() {}

    enum Kind { PARAMETERS, BUFFERS, BOTH }

    static Map<String, org.bytedeco.pytorch.Tensor> of(JitModule root, Kind kind) {
        Map<String, org.bytedeco.pytorch.Tensor> out = new LinkedHashMap<>();
        named_module_list modules = root.named_modules();
        for (named_module_iterator it = modules.begin(); it.notEquals(modules.end()); it.increment()) {
            NamedJitModule nm = it.access();
            String name = nm.name() == null ? "" : nm.name().getString(); // the root's empty name comes back null
            String prefix = name.isEmpty() ? "" : name + ".";
            JitModule m = nm.value();
            if (kind != Kind.BUFFERS) {
                named_parameter_list pl = m.named_parameters(false);
                for (named_parameter_iterator p = pl.begin(); p.notEquals(pl.end()); p.increment()) put(out, prefix, p.access());
            }
            if (kind != Kind.PARAMETERS) {
                named_buffer_list bl = m.named_buffers(false);
                for (named_buffer_iterator b = bl.begin(); b.notEquals(bl.end()); b.increment()) put(out, prefix, b.access());
            }
        }
        return out;
    }

    private static void put(Map<String, org.bytedeco.pytorch.Tensor> out, String prefix, NamedTensor nt) {
        out.put(prefix + (nt.name() == null ? "" : nt.name().getString()), nt.value());
    }
}
