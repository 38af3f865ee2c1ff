package dev.torch4j;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The committed report/diff expectations are what today's PyTorch and numpy say (skipped without them). */
class ReportGeneratorTest {
    @Test void committedExpectationsMatchAFreshRun(@TempDir Path out) throws Exception {
        assumeTrue(Fixtures.referencePytorchAvailable(), "/usr/bin/python3 with torch and numpy not installed");
        Path script = Fixtures.root().resolve("../../python/gen_report_fixtures.py").normalize();
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "generator timed out");
        assertEquals(0, p.exitValue(), log);
        for (String f : new String[] {"expected_stats.json", "expected_diff.json"}) {
            assertEquals(Json.parse(Files.readString(Fixtures.file("report/" + f))), Json.parse(Files.readString(out.resolve(f))), f);
        }
    }
}
