package dev.torch4j.cli;

import dev.torch4j.json.Json;
import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code inspect} on joblib, numpy and learner files against what Python saw (fixtures/longtail/expected.json),
 * with and without {@code --torch-tensors-only}, and the exit status of files it refuses.
 */
class LongtailInspectTest {
    @Test
    @SuppressWarnings("unchecked")
    void tensorsWithAndWithoutNumpyArraysMatchPython() throws Exception {
        Path dir = Fixtures.file("longtail");
        Map<String, Object> files = (Map<String, Object>) ((Map<String, Object>) Json.parse(
                Files.readString(dir.resolve("expected.json")))).get("files");
        int checked = 0;
        for (Map.Entry<String, Object> e : files.entrySet()) {
            Map<String, Object> want = (Map<String, Object>) e.getValue();
            String file = dir.resolve(e.getKey()).toString();
            if (want.containsKey("error")) {
                CliRun run = CliRun.of("inspect", file);
                assertEquals(2, run.exit(), run::toString);
                assertTrue(run.err().startsWith("torch4j: " + file), run.err());
                continue;
            }
            Map<String, String> all = new TreeMap<>();
            Map<String, String> torchOnly = new TreeMap<>();
            for (Object o : (List<Object>) want.get("tensors")) {
                Map<String, Object> t = (Map<String, Object>) o;
                String line = t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256");
                all.put((String) t.get("path"), line);
                if (!Boolean.TRUE.equals(t.get("numpy"))) torchOnly.put((String) t.get("path"), line);
            }
            assertEquals(all, tensors(CliRun.of("inspect", "--json", "--hash", file), want), file);
            assertEquals(torchOnly, tensors(CliRun.of("inspect", "--json", "--hash", "--torch-tensors-only", file), want), file);
            checked++;
        }
        assertTrue(checked > 30, "checked " + checked);
    }

    @Test
    void arraysLeftOutByTorchTensorsOnlyShowAmongTheValues() throws Exception {
        CliRun run = CliRun.of("inspect", "--json", "--torch-tensors-only", Fixtures.file("longtail/joblib_scaler.joblib").toString());
        assertEquals(0, run.exit(), run::toString);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(run.out());
        assertEquals(List.of(), doc.get("tensors"));
        assertTrue(run.out().contains("<ndarray float64 [3]>"), run.out());
    }

    private static Map<String, String> tensors(CliRun run, Map<String, Object> want) throws Exception {
        assertEquals(0, run.exit(), run::toString);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(run.out());
        assertEquals(want.get("format"), doc.get("format"));
        Map<String, String> got = new TreeMap<>();
        for (Object o : (List<?>) doc.get("tensors")) {
            Map<?, ?> t = (Map<?, ?>) o;
            got.put((String) t.get("path"), t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256"));
        }
        return got;
    }
}
