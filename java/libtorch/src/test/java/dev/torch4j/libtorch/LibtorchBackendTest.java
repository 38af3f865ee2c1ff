package dev.torch4j.libtorch;

import dev.torch4j.spi.NativeBackend;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LibtorchBackendTest {
    @Test
    void probeReportsTheLoadedLibrary() {
        Availability a = LibtorchBackend.probe();
        assumeTrue(a.available(), () -> "libtorch unavailable: " + a.reason());
        assertNull(a.reason());
        assertTrue(a.libtorchVersion().matches("\\d+\\.\\d+\\.\\d+"), a.libtorchVersion());
        assertTrue(a.presetsVersion().matches("1\\.5\\.\\d+"), a.presetsVersion());
        assertEquals("linux-x86_64", a.platform());
        assertTrue(a.bytecodeVersion() >= 8, "PyTorch 1.13 reads bytecode v8; libtorch writes " + a.bytecodeVersion());
        assertTrue(LibtorchBackend.probe() == a, "probed once per JVM");
    }

    @Test
    void serviceLoaderFindsTheBackend() {
        List<NativeBackend> found = new ArrayList<>();
        // torch4j-native (a dependency, for the backport) registers its own backend beside this one.
        ServiceLoader.load(NativeBackend.class).forEach(b -> { if (b.name().equals("libtorch")) found.add(b); });
        assertEquals(1, found.size());
        NativeBackend b = found.get(0);
        assertTrue(b instanceof dev.torch4j.libtorch.spi.LibtorchNativeBackend, b.getClass().getName());
        Map<String, Object> facts = b.describe();
        assertEquals(List.of("backend", "available"), List.copyOf(facts.keySet()).subList(0, 2));
        assertEquals(b.available(), facts.get("available"));
    }

    /** Without the JavaCPP jars the probe says so instead of failing: the pure-Java reader is unaffected. */
    @Test
    void probeWithoutJavaCppReportsUnavailable() throws Exception {
        assumeTrue(!Boolean.getBoolean("torch4j.libtorch.disable"), "the switch would answer first");
        URL own = LibtorchBackend.class.getProtectionDomain().getCodeSource().getLocation();
        URL core = Tensor.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {own, core}, ClassLoader.getPlatformClassLoader())) {
            Class<?> backend = isolated.loadClass(LibtorchBackend.class.getName());
            Method probe = backend.getMethod("probe");
            Object availability = probe.invoke(null);
            boolean available = (Boolean) availability.getClass().getMethod("available").invoke(availability);
            String reason = (String) availability.getClass().getMethod("reason").invoke(availability);
            assertFalse(available);
            assertTrue(reason.contains("JavaCPP pytorch presets not on the class path"), reason);
            Method require = backend.getMethod("require");
            Throwable thrown = null;
            try {
                require.invoke(null);
            } catch (java.lang.reflect.InvocationTargetException e) {
                thrown = e.getCause();
            }
            assertTrue(thrown != null && thrown.getClass().getSimpleName().equals("LibtorchUnavailableException"), String.valueOf(thrown));
        }
    }

    /**
     * One OpenBLAS in the process (the preset's second copy and its LAPACK bridge are skipped), and
     * libtorch's LAPACK calls still resolve in it: inv([[4, 7], [2, 6]]) as numpy and PyTorch 1.13
     * compute it, [[0.6, -0.7], [-0.2, 0.4]].
     */
    @Test
    void loadsOneOpenblasThatStillHasLapack() throws Exception {
        Availability a = LibtorchBackend.probe();
        assumeTrue(a.available(), () -> "libtorch unavailable: " + a.reason());
        assumeTrue(System.getProperty("org.bytedeco.openblas_nolapack.load") == null
                && !Boolean.getBoolean("torch4j.libtorch.keepOpenblasLapack"), "a user's own openblas choice is left alone");
        // A mapping shown " (deleted)" fails this: another JVM rewrote JavaCPP's cache under this one
        // (loading MKL as OpenBLAS did, until BlasLibrary gave MKL runs a cache of their own).
        List<String> blas = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .map(f -> f.substring(f.lastIndexOf('/') + 1))
                .filter(f -> f.contains("openblas"))
                .distinct().sorted().toList();
        assertEquals(List.of("libjniopenblas_nolapack.so", "libopenblas_nolapack.so.0"), blas);
        try (PointerScope scope = new PointerScope()) {
            org.bytedeco.pytorch.Tensor m = torch.from_blob(new FloatPointer(4f, 7f, 2f, 6f), new long[] {2, 2},
                    new TensorOptions(torch.ScalarType.Float)).clone();
            float[] inv = new float[4];
            new FloatPointer(torch.inverse(m).contiguous().data_ptr()).get(inv);
            assertArrayEquals(new float[] {0.6f, -0.7f, -0.2f, 0.4f}, inv, 1e-6f);
        }
    }
}
