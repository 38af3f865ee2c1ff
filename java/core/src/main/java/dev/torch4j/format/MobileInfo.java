package dev.torch4j.format;

import dev.torch4j.TorchFileException;
import dev.torch4j.format.mobile.MobileBytecode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Mobile lite-interpreter facts for metadata: bytecode version, methods and operators. */
final class MobileInfo {
    private MobileInfo() {}

    static void describe(Object bytecodeRoot, String file, String entry, Map<String, Object> meta) throws TorchFileException {
        MobileBytecode bytecode = MobileBytecode.parse(bytecodeRoot, file, entry);
        meta.put("mobile.bytecode_version", bytecode.version());
        List<String> methods = new ArrayList<>();
        for (MobileBytecode.Method m : bytecode.methods()) methods.add(m.name());
        meta.put("mobile.methods", methods);
        meta.put("mobile.operators", new ArrayList<>(bytecode.operators()));
    }
}
