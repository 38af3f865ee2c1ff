package dev.torch4j.cli;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** {@code inspect} against what PyTorch saw in the fixtures (expected.json). */
class InspectCommandTest {
    static Stream<Fixtures.Expected> safeFixtures() {
        return Fixtures.expected().stream().filter(e -> !e.unsafe());
    }

    @ParameterizedTest(name = "{0}") @MethodSource("safeFixtures")
    void jsonWithHashesMatchesPytorch(Fixtures.Expected expected) throws Exception {
        CliRun run = CliRun.of("inspect", "--json", "--hash", expected.path().toString());
        assertEquals(0, run.exit(), run::toString);
        assertEquals("", run.err(), "nothing on stderr when it is not a terminal");
        Map<?, ?> doc = (Map<?, ?>) Json.parse(run.out());
        assertEquals(expected.path().toString(), doc.get("file"));
        assertEquals(expected.format(), doc.get("format"));
        assertInstanceOf(Map.class, doc.get("metadata"));
        List<String> want = new ArrayList<>();
        for (Fixtures.ExpectedTensor t : expected.tensors()) {
            want.add(t.path() + " " + t.dtype() + " " + t.shape() + " " + t.sha256());
        }
        List<String> got = new ArrayList<>();
        for (Object o : (List<?>) doc.get("tensors")) {
            Map<?, ?> t = (Map<?, ?>) o;
            got.add(t.get("path") + " " + t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256"));
        }
        if (expected.format().equals("torchscript") || expected.format().equals("mobile")) {
            want.sort(null); // PyTorch lists a TorchScript state_dict in its own walk order
            got.sort(null);
        }
        assertEquals(want, got);
    }

    @Test void withoutHashNoSha256() throws Exception {
        CliRun run = CliRun.of("inspect", "--json", Fixtures.file("zip/mlp_state_dict.pt").toString());
        assertEquals(0, run.exit(), run::toString);
        for (Object o : (List<?>) ((Map<?, ?>) Json.parse(run.out())).get("tensors")) {
            assertFalse(((Map<?, ?>) o).containsKey("sha256"));
        }
    }

    /** The README sample: a readable listing with PyTorch's names, shapes and totals. */
    @Test void textListingOfTheReadmeSample() {
        CliRun run = CliRun.of("inspect", Fixtures.file("zip/mlp_state_dict.pt").toString());
        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.out().contains("format  zip"), run::toString);
        assertTrue(run.out().lines().anyMatch(l -> l.matches("\\s+fc1\\.weight\\s+float32\\s+\\[16, 8]\\s+512 B")), run::toString);
        assertTrue(run.out().lines().anyMatch(l -> l.matches("\\s+bn\\.num_batches_tracked\\s+int64\\s+\\[]\\s+8 B")), run::toString);
        // 16*8 + 16 + 4*16 + 16*4 + 4 + 4*16 + 1 elements: fc1, bn (weight, bias, running stats, counter), fc2.
        long params = 16 * 8 + 16 + 16 + 16 + 16 + 16 + 1 + 4 * 16 + 4;
        assertTrue(run.out().contains("9 tensors, " + params + " parameters"), run::toString);
    }

    @Test void tiedWeightsCountOnce() throws Exception {
        CliRun run = CliRun.of("inspect", "--json", Fixtures.file("zip/shared_storage.pt").toString());
        assertEquals(0, run.exit(), run::toString);
        Map<?, ?> totals = (Map<?, ?>) ((Map<?, ?>) Json.parse(run.out())).get("totals");
        assertEquals(5L, totals.get("tensors"));
        // emb.weight 10x4 (proj.weight is the same tensor), a 3x2 (b is a, a_view lies inside a but is its own view).
        assertEquals(40L + 6L + 2L, totals.get("parameters"));
        assertEquals((40L + 6L) * 4, totals.get("bytes"));
    }

    @Test void nonTensorValuesAreSummarized() throws Exception {
        CliRun run = CliRun.of("inspect", "--json", Fixtures.file("zip/lightning.ckpt").toString());
        assertEquals(0, run.exit(), run::toString);
        List<?> values = (List<?>) ((Map<?, ?>) Json.parse(run.out())).get("values");
        assertTrue(values.contains(Map.of("path", "epoch", "type", "int", "value", 3L)), values::toString);
        assertTrue(values.contains(Map.of("path", "pytorch-lightning_version", "type", "str", "value", "1.9.5")), values::toString);
        assertTrue(values.contains(Map.of("path", "hyper_parameters.lr", "type", "float", "value", 1e-3)), values::toString);
    }

    @Test void missingFileIsOneLineAndExit2() {
        CliRun run = CliRun.of("inspect", "/nonexistent/model.pt");
        assertEquals(2, run.exit(), run::toString);
        assertEquals("", run.out());
        assertEquals(1, run.err().lines().count(), run::toString);
        assertTrue(run.err().startsWith("torch4j: "), run::toString);
        assertTrue(run.err().contains("/nonexistent/model.pt"), run::toString);
    }

    @Test void debugShowsTheStackTrace() {
        CliRun run = CliRun.of("inspect", "--debug", "/nonexistent/model.pt");
        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.err().startsWith("torch4j: "), run::toString);
        assertTrue(run.err().lines().count() > 2 && run.err().contains("\tat "), run::toString);
    }

    @Test void garbageIsOneLineAndExit2(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.pt");
        Files.write(junk, new byte[] {1, 2, 3});
        CliRun run = CliRun.of("inspect", junk.toString());
        assertEquals(2, run.exit(), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertTrue(run.err().startsWith("torch4j: " + junk), run::toString);
    }

    @Test void usageErrorsAreOneLineAndExit2() {
        CliRun run = CliRun.of("inspect", "--no-such-option", "x.pt");
        assertEquals(2, run.exit(), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertTrue(run.err().startsWith("torch4j: "), run::toString);
    }

    @Test void infoNamesVersionsAndBackend() {
        CliRun run = CliRun.of("info");
        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.out().contains("java      " + System.getProperty("java.version")), run::toString);
        assertTrue(run.out().contains("pure-java"), run::toString);
    }
}
