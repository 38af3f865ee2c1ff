package dev.torch4j.libtorch;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libtorch on MKL (-Dtorch4j.libtorch.blas=mkl, MKL's redist jar on the test class path on
 * linux-x86_64) against PyTorch's outputs: the inference models and the 60 generated ones, unfrozen
 * and frozen, in a JVM of its own (MklCheck), since the BLAS is chosen once per process and these
 * tests' JVM keeps OpenBLAS.
 */
class MklBlasTest {
    @BeforeAll
    static void ready() {
        Oracle.assumeReady();
        Assumptions.assumeTrue(BlasLibrary.mklJarPresent(MklBlasTest.class.getClassLoader(), Loader.getPlatform()),
                () -> "MKL's redist jar is not on the test class path for " + Loader.getPlatform());
    }

    @Test
    void mklComputesWhatPyTorchDoes() throws Exception {
        Path inference = Oracle.inferenceFixture("mlp.pt").getParent();
        Path cases = Oracle.optimizeCase("cases.tsv").getParent();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Dtorch4j.libtorch.blas=mkl", "-cp", System.getProperty("java.class.path"),
                MklCheck.class.getName(), inference.toString(), cases.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "MklCheck did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("blas MKL\n"), "libtorch calls MKL: " + out);
        assertTrue(out.contains("blas threads 1\n"), "MKL's own pool kept at 1 thread like OpenBLAS's: " + out);
        assertTrue(out.contains("matched 248\n"), "2 x 2 x 2 inference checks + 60 x 2 x 2 generated ones: " + out);
    }

    @Test
    void theseTestsThemselvesRunOnOpenblas() throws IOException {
        Oracle.assumeReady();
        assertEquals("OpenBLAS", BlasLibrary.loaded(), "pom.xml sets -Dtorch4j.libtorch.blas=openblas for this JVM");
    }
}
