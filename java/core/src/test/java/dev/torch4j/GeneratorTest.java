package dev.torch4j;

import dev.torch4j.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed expected.json is what today's reference PyTorch says about the fixtures: rerun the
 * generator into a temporary folder and compare. Skipped where /usr/bin/python3 has no torch.
 */
class GeneratorTest {
    @Test void committedExpectationsMatchAFreshRunOfPytorch(@TempDir Path out) throws Exception {
        assumeTrue(Fixtures.referencePytorchAvailable(), "/usr/bin/python3 with torch and numpy not installed");
        Path script = Fixtures.root().resolve("../../python/gen_fixtures.py").normalize();
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "generator timed out");
        assertEquals(0, p.exitValue(), log);
        assertEquals(Json.parse(Files.readString(Fixtures.root().resolve("expected.json"))),
                Json.parse(Files.readString(out.resolve("expected.json"))));
        assertFalse(Files.exists(Fixtures.MARKER), "a payload ran while generating");
    }
}
