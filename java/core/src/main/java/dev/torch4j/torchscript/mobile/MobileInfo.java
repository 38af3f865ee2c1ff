package dev.torch4j.torchscript.mobile;

import dev.torch4j.TorchFileException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Mobile lite-interpreter facts for metadata: bytecode version, methods and operators. */
public final class MobileInfo {
    private MobileInfo() {}

    public static void describe(Object bytecodeRoot, String file, String entry, Map<String, Object> meta) throws TorchFileException {
        MobileBytecode bytecode = MobileBytecode.parse(bytecodeRoot, file, entry);
        meta.put("mobile.bytecode_version", bytecode.version());
        List<String> methods = new ArrayList<>();
        for (MobileBytecode.Method m : bytecode.methods()) methods.add(m.name());
        meta.put("mobile.methods", methods);
        meta.put("mobile.operators", new ArrayList<>(bytecode.operators()));
    }
}
