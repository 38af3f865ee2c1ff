package dev.torch4j.cli;

import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jars work on the module path too: the CLI runs as module {@code dev.torch4j.cli} on top of
 * module {@code dev.torch4j}, with only the exported and qualified-exported packages reachable, and
 * prints what it prints on the class path.
 */
class ModulePathTest {
    @Test void inspectRunsOnTheModulePath() throws Exception {
        List<String> modulePath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean core = e.contains("/java/core/target/") && !e.contains("test-classes") && !e.endsWith("-tests.jar");
            boolean cli = e.endsWith("/java/cli/target/classes");
            boolean picocli = e.contains("/info/picocli/picocli/");
            if (core || cli || picocli) modulePath.add(entry);
        }
        assertEquals(3, modulePath.size(), "core, cli and picocli on the test class path: " + modulePath);
        Path fixture = Fixtures.file("zip/mlp_state_dict.pt");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--module", "dev.torch4j.cli/dev.torch4j.cli.Main", "inspect", "--json", fixture.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), out);
        assertEquals(CliRun.of("inspect", "--json", fixture.toString()).out().strip(), out.strip());
    }

    @Test void onlyTheApiPackagesAreExported() {
        Module core = dev.torch4j.Torch.class.getModule();
        // On the class path everything is one unnamed module; the descriptor is what module users get.
        var descriptor = java.lang.module.ModuleFinder.of(Path.of(core.getClassLoader() == null ? "" :
                        dev.torch4j.Torch.class.getProtectionDomain().getCodeSource().getLocation().getPath()))
                .find("dev.torch4j").orElseThrow().descriptor();
        String unqualified = descriptor.exports().stream().filter(e -> !e.isQualified())
                .map(java.lang.module.ModuleDescriptor.Exports::source).sorted().collect(Collectors.joining(" "));
        assertTrue(descriptor.exports().stream().filter(e -> !e.isQualified()).count() <= 8, unqualified);
        assertTrue(Arrays.asList(unqualified.split(" ")).containsAll(List.of("dev.torch4j", "dev.torch4j.tensor", "dev.torch4j.spi")),
                unqualified);
    }
}
