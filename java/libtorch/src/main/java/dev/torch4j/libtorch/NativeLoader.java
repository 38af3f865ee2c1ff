package dev.torch4j.libtorch;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/** The JavaCPP side of {@link LibtorchBackend}: kept apart so that class loads without JavaCPP. */
final class NativeLoader {
    private NativeLoader() {}

    static Availability load() {
        long t0 = System.nanoTime();
        // Loads openblas, c10, torch_cpu, torch and the JNI bridge (extracting them to the cache once).
        Loader.load(torch.class);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String presets = version("pytorch");
        String libtorch = presets;
        String javacpp = version("javacpp");
        if (presets != null && presets.contains("-")) {
            libtorch = presets.substring(0, presets.indexOf('-'));
            javacpp = presets.substring(presets.indexOf('-') + 1);
        }
        return new Availability(true, null, libtorch, javacpp, Loader.getPlatform(), ms,
                torch.kProducedBytecodeVersion());
    }

    /** The artifact version from the jar's Maven metadata; null when it cannot be read. */
    private static String version(String artifact) {
        try {
            return Loader.getVersion("org.bytedeco", artifact);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
