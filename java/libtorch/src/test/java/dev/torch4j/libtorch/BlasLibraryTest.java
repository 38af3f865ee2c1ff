package dev.torch4j.libtorch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BlasLibrary's decision, on class paths with and without MKL's runtime library (no native code loads). */
class BlasLibraryTest {
    private static final String[] KEYS = {BlasLibrary.PROPERTY, BlasLibrary.OPENBLAS_LOAD, BlasLibrary.OPENBLAS_NOLAPACK_LOAD,
        BlasLibrary.CACHE_DIR};
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        for (String k : KEYS) {
            saved.put(k, System.getProperty(k));
            System.clearProperty(k);
        }
    }

    @AfterEach
    void restore() {
        for (String k : KEYS) {
            if (saved.get(k) == null) System.clearProperty(k);
            else System.setProperty(k, saved.get(k));
        }
    }

    /** A class loader whose only resource is MKL's runtime library for the platform (an empty file). */
    private static ClassLoader withMkl(Path dir, String platform) throws IOException {
        Path lib = dir.resolve("org/bytedeco/mkl/" + platform + "/libmkl_rt.so.2");
        Files.createDirectories(lib.getParent());
        Files.write(lib, new byte[0]);
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    private static ClassLoader without(Path dir) throws IOException {
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    @Test
    void autoTakesMklWhenItsJarIsThereAndSetsBothPresetSwitches(@TempDir Path dir) throws IOException {
        assertEquals(BlasLibrary.Choice.MKL, BlasLibrary.choose(withMkl(dir, "linux-x86_64"), "linux-x86_64"));
        assertEquals("mkl_rt", System.getProperty(BlasLibrary.OPENBLAS_LOAD));
        assertEquals("mkl_rt", System.getProperty(BlasLibrary.OPENBLAS_NOLAPACK_LOAD));
        assertTrue(System.getProperty(BlasLibrary.CACHE_DIR).endsWith("cache-mkl"), "a JavaCPP cache of its own");
        System.setProperty(BlasLibrary.CACHE_DIR, "/somewhere/else");
        BlasLibrary.choose(withMkl(dir, "linux-x86_64"), "linux-x86_64");
        assertEquals("/somewhere/else", System.getProperty(BlasLibrary.CACHE_DIR), "the user's cache folder is kept");
    }

    @Test
    void autoKeepsOpenblasWithoutTheJarOnAnotherPlatformOrWhenTheUserSetTheSwitches(@TempDir Path dir) throws IOException {
        assertEquals(BlasLibrary.Choice.OPENBLAS, BlasLibrary.choose(without(dir), "linux-x86_64"));
        assertNull(System.getProperty(BlasLibrary.OPENBLAS_LOAD), "nothing set for OpenBLAS");
        assertNull(System.getProperty(BlasLibrary.CACHE_DIR), "OpenBLAS keeps JavaCPP's usual cache");
        ClassLoader mkl = withMkl(dir, "linux-x86_64");
        assertEquals(BlasLibrary.Choice.OPENBLAS, BlasLibrary.choose(mkl, "linux-arm64"), "MKL's jar for another platform");
        System.setProperty(BlasLibrary.OPENBLAS_LOAD, "openblas");
        assertEquals(BlasLibrary.Choice.OPENBLAS, BlasLibrary.choose(mkl, "linux-x86_64"), "the user's switch wins");
        assertEquals("openblas", System.getProperty(BlasLibrary.OPENBLAS_LOAD));
    }

    @Test
    void explicitSettings(@TempDir Path dir) throws IOException {
        ClassLoader mkl = withMkl(dir, "linux-x86_64");
        System.setProperty(BlasLibrary.PROPERTY, "openblas");
        assertEquals(BlasLibrary.Choice.OPENBLAS, BlasLibrary.choose(mkl, "linux-x86_64"));
        assertNull(System.getProperty(BlasLibrary.OPENBLAS_LOAD));

        System.setProperty(BlasLibrary.PROPERTY, "mkl");
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> BlasLibrary.choose(without(dir.resolve("empty")), "linux-x86_64"));
        assertTrue(missing.getMessage().contains("org.bytedeco:mkl") && missing.getMessage().contains("linux-x86_64-redist"),
                missing.getMessage());
        System.setProperty(BlasLibrary.OPENBLAS_NOLAPACK_LOAD, "openblas_nolapack");
        IllegalStateException conflict = assertThrows(IllegalStateException.class, () -> BlasLibrary.choose(mkl, "linux-x86_64"));
        assertTrue(conflict.getMessage().contains(BlasLibrary.OPENBLAS_NOLAPACK_LOAD), conflict.getMessage());
        System.clearProperty(BlasLibrary.OPENBLAS_NOLAPACK_LOAD);
        assertEquals(BlasLibrary.Choice.MKL, BlasLibrary.choose(mkl, "linux-x86_64"));

        System.setProperty(BlasLibrary.PROPERTY, "atlas");
        IllegalStateException bad = assertThrows(IllegalStateException.class, () -> BlasLibrary.choose(mkl, "linux-x86_64"));
        assertTrue(bad.getMessage().contains("auto, openblas or mkl, not 'atlas'"), bad.getMessage());
        assertFalse(bad.getMessage().contains("Exception"), bad.getMessage());
    }
}
