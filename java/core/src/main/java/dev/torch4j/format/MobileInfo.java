package dev.torch4j.format;

import java.util.List;
import java.util.Map;

/** Mobile lite-interpreter facts for metadata: bytecode version, methods and operators. */
final class MobileInfo {
    private MobileInfo() {}

    static void describe(Object bytecodeRoot, Map<String, Object> meta) {
        // TODO(merge h-tensor): MobileBytecode.parse(bytecodeRoot)
        if (bytecodeRoot instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Long v) {
            meta.put("mobile.bytecode_version", v);
        }
    }
}
