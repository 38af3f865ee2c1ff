package dev.torch4j.cli;

import dev.torch4j.testing.SharedFolder;
import dev.torch4j.json.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code inspect --json --hash} on real-world files (../shared/corpus) against PyTorch's own view of
 * them (pytorch-view.json). Skipped where the corpus is absent (any checkout outside this workplace).
 */
class CorpusInspectTest {
    static Path corpus() {
        Path c = SharedFolder.requireCorpus();
        return Files.isRegularFile(c.resolve("pytorch-view.json")) ? c : null;
    }

    @TestFactory Stream<DynamicTest> inspectMatchesPytorchOnTheCorpus() throws Exception {
        Path corpus = corpus();
        assumeTrue(corpus != null, "../shared/corpus not present");
        Map<?, ?> view = (Map<?, ?>) Json.parse(Files.readString(corpus.resolve("pytorch-view.json")));
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<?, ?> e : view.entrySet()) {
            String name = (String) e.getKey();
            Map<?, ?> seen = (Map<?, ?>) e.getValue();
            Path file = corpus.resolve(name);
            if (!Files.exists(file) || seen.containsKey("error")) continue; // PyTorch itself could not say
            tests.add(DynamicTest.dynamicTest(name, () -> {
                CliRun run = CliRun.of("inspect", "--json", "--hash", file.toString());
                assertEquals(0, run.exit(), run::toString);
                List<String> want = new ArrayList<>();
                for (Object o : (List<?>) seen.get("tensors")) want.add(line((Map<?, ?>) o));
                List<String> got = new ArrayList<>();
                for (Object o : (List<?>) ((Map<?, ?>) Json.parse(run.out())).get("tensors")) got.add(line((Map<?, ?>) o));
                if ("jit".equals(seen.get("loaded_by"))) { // a TorchScript state_dict is listed in PyTorch's walk order
                    want.sort(null);
                    got.sort(null);
                }
                assertEquals(want, got);
            }));
        }
        return tests.stream();
    }

    private static String line(Map<?, ?> t) {
        return t.get("path") + " " + t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256");
    }
}
