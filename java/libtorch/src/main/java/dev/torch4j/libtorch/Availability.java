package dev.torch4j.libtorch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the native libtorch backend can be used in this JVM, and if not, why.
 *
 * @param available      true once libtorch's libraries are loaded
 * @param reason         why it is unavailable (null when available)
 * @param libtorchVersion libtorch's version ({@code 2.13.0}), or null when unknown
 * @param presetsVersion  the JavaCPP presets version ({@code 1.5.14}), or null when unknown
 * @param platform        the JavaCPP platform the natives are for ({@code linux-x86_64})
 * @param loadMillis      time spent loading the native libraries (0 when not loaded)
 * @param bytecodeVersion the mobile bytecode version libtorch writes into {@code .ptl} files (-1 when unknown)
 */
public record Availability(boolean available, String reason, String libtorchVersion, String presetsVersion,
                           String platform, long loadMillis, long bytecodeVersion) {

    static Availability unavailable(String reason, String platform) {
        return new Availability(false, reason, null, null, platform, 0, -1);
    }

    /** The facts in a stable order, for {@code torch4j info} and JSON output. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", "libtorch");
        m.put("available", available);
        if (reason != null) m.put("reason", reason);
        if (libtorchVersion != null) m.put("libtorch", libtorchVersion);
        if (presetsVersion != null) m.put("javacpp", presetsVersion);
        if (platform != null) m.put("platform", platform);
        if (available) {
            m.put("load_ms", loadMillis);
            m.put("mobile_bytecode_version", bytecodeVersion);
            m.put("blas", BlasLibrary.loaded());
            // OpenBLAS picks its kernels from CPUID when it loads unless OPENBLAS_CORETYPE forces some:
            // a forced Haswell on an AVX-512 machine made small matmuls 5-8x slower here.
            String core = System.getenv("OPENBLAS_CORETYPE");
            m.put("openblas_coretype", core == null ? "auto-detected" : core + " (forced by OPENBLAS_CORETYPE)");
            String blasThreads = System.getenv("OPENBLAS_NUM_THREADS");
            m.put("openblas_num_threads", blasThreads != null ? blasThreads + " (OPENBLAS_NUM_THREADS)"
                    : Boolean.getBoolean(LibtorchThreads.KEEP_OPENBLAS_THREADS) ? "OpenBLAS's default (kept)"
                    : "1 (libtorch's intra-op threads do the parallel work)");
            m.put("javacpp_max_physical_bytes", System.getProperty(LibtorchLoader.MAX_PHYSICAL_BYTES, "default"));
        }
        return m;
    }
}
