package dev.torch4j;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.json.Json;
import dev.torch4j.testing.ReferencePython;
import dev.torch4j.testing.SharedFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every committed expectation is what today's reference PyTorch says. For the main fixtures, PyTorch
 * re-reads the committed files and must see exactly expected.json; a fresh generation must give the
 * same fixtures with the same tensor paths, dtypes, shapes and scan verdicts (values that come out of
 * training steps differ in the last bits between CPUs, so fresh hashes are not compared). For the
 * other generators, a fresh run's expectation files must equal the committed ones byte for byte.
 */
class GeneratorTest {
    private static Path python(String script) {
        return Fixtures.root().resolve("../../python/" + script).normalize();
    }

    @Test void pytorchSeesExactlyTheCommittedExpectations(@TempDir Path out) throws Exception {
        ReferencePython.require();
        Path view = out.resolve("view.json");
        ReferencePython.runScript(python("gen_fixtures.py"), "--view", Fixtures.root().toString(), view.toString());
        assertEquals(Json.parse(Files.readString(Fixtures.root().resolve("expected.json"))), Json.parse(Files.readString(view)));
        assertFalse(Files.exists(Fixtures.MARKER), "a payload ran while reading the fixtures");
    }

    @SuppressWarnings("unchecked")
    @Test void aFreshGenerationHasTheSameStructure(@TempDir Path out) throws Exception {
        ReferencePython.require();
        ReferencePython.runScript(python("gen_fixtures.py"), out.toString());
        Map<String, Object> committed = (Map<String, Object>) Json.parse(Files.readString(Fixtures.root().resolve("expected.json")));
        Map<String, Object> fresh = (Map<String, Object>) Json.parse(Files.readString(out.resolve("expected.json")));
        assertEquals(committed.keySet(), fresh.keySet());
        for (String file : committed.keySet()) {
            assertEquals(structure(committed.get(file)), structure(fresh.get(file)), file);
        }
        assertFalse(Files.exists(Fixtures.MARKER), "a payload ran while generating");
    }

    /** The generators whose every expectation is deterministic: rerun, compare the expectation files. */
    @ParameterizedTest
    @ValueSource(strings = {"format", "oldts", "pickle", "tensor", "mobile"})
    void expectationFilesDoNotDrift(String name, @TempDir Path out) throws Exception {
        ReferencePython.require();
        Path shared = SharedFolder.root();
        ReferencePython.run(List.of(ReferencePython.interpreter().toString(), python("gen_" + name + "_fixtures.py").toString()),
                shared == null ? Map.of("TORCH4J_FIXTURES_OUT", out.toString())
                        : Map.of("TORCH4J_FIXTURES_OUT", out.toString(), "TORCH4J_SHARED", shared.toString()), 600);
        Path committed = Fixtures.root().resolve("../" + name).normalize();
        TreeSet<String> expected = names(committed);
        if (SharedFolder.corpus() == null) {
            // Expectations about ../shared/corpus files (corpus_*) come from that corpus: without it the
            // generator keeps them out, and a fresh clone checks the rest. Under CI the corpus must be there.
            if (SharedFolder.required()) SharedFolder.absent("corpus");
            expected.removeIf(f -> f.startsWith("corpus_"));
        }
        assertEquals(expected, names(out), "the generator writes a different set of files");
        for (String f : expected) {
            if (isExpectation(f)) {
                assertEquals(Files.readString(committed.resolve(f)), Files.readString(out.resolve(f)), name + "/" + f);
            }
        }
    }

    private static boolean isExpectation(String name) {
        return name.startsWith("expected") || name.endsWith(".expected.txt") || name.endsWith(".tsv")
                || name.equals("views.txt");
    }

    private static TreeSet<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            TreeSet<String> out = new TreeSet<>();
            s.filter(Files::isRegularFile).forEach(p -> out.add(dir.relativize(p).toString()));
            return out;
        }
    }

    /** An expected.json entry without the tensor hashes. */
    @SuppressWarnings("unchecked")
    private static Object structure(Object entry) {
        Map<String, Object> e = (Map<String, Object>) entry;
        List<Object> tensors = new ArrayList<>();
        for (Object t : (List<Object>) e.get("tensors")) {
            Map<String, Object> m = (Map<String, Object>) t;
            tensors.add(List.of(m.get("path"), m.get("dtype"), m.get("shape")));
        }
        // Scan findings without their offsets: a legacy file's storage keys are memory addresses, whose
        // length (and so every later offset) changes from one run of PyTorch to the next.
        Map<String, Object> scan = (Map<String, Object>) e.get("scan");
        List<Object> findings = new ArrayList<>();
        for (Object f : (List<Object>) scan.get("findings")) {
            Map<String, Object> m = (Map<String, Object>) f;
            findings.add(java.util.Arrays.asList(m.get("entry"), m.get("global")));
        }
        return List.of(e.get("format"), String.valueOf(e.get("loaded_by")), tensors, scan.get("verdict"), findings);
    }
}
