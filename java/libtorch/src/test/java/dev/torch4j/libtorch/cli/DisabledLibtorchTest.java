package dev.torch4j.libtorch.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refused libtorch stays unloaded: with {@code -Dtorch4j.libtorch.disable=true} (or a BLAS setting
 * torch4j-libtorch rejects), torch4j-native's mobile bytecode tools must not load libtorch through
 * JavaCPP behind the user's back; {@code info} says why they are off, with no JavaCPP warning.
 */
class DisabledLibtorchTest {
    @Test
    void infoReportsTheRefusalAndLoadsNothing() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String setting : List.of("-Dtorch4j.libtorch.disable=true", "-Dtorch4j.libtorch.blas=atlas")) {
            Process p = new ProcessBuilder(java, setting, "-cp", cp, "dev.torch4j.cli.Main", "info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("libtorch: unavailable"), setting + ": " + out);
            assertTrue(out.contains("mobile_bytecode_tools=false"), setting + ": " + out);
            assertTrue(out.contains("mobile_bytecode_tools_reason=libtorch is unavailable: "), setting + ": " + out);
            assertFalse(out.contains("Versions of org.bytedeco"), "JavaCPP never ran: " + out);
        }
    }
}
