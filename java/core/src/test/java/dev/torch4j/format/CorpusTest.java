package dev.torch4j.format;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every file of the shared real-world corpus against PyTorch's own view of it
 * ({@code pytorch-view.json}: tensor paths, dtypes, shapes and sha256 computed by PyTorch).
 */
class CorpusTest {
    private static final Map<String, int[]> PASSED_BY_FOLDER = new ConcurrentHashMap<>();

    @TestFactory
    List<DynamicTest> corpus() throws Exception {
        Path corpus = CorpusFiles.corpus();
        Assumptions.assumeTrue(corpus != null && Files.exists(corpus.resolve("pytorch-view.json")),
                "no ../shared/corpus beside this checkout");
        @SuppressWarnings("unchecked")
        Map<String, Object> view = (Map<String, Object>) dev.torch4j.json.Json.parse(Files.readString(corpus.resolve("pytorch-view.json")));
        Map<String, String> manifest = new java.util.HashMap<>();
        Path manifestFile = corpus.resolve("MANIFEST.tsv");
        if (Files.exists(manifestFile)) {
            for (String line : Files.readAllLines(manifestFile)) {
                String[] cols = line.split("\t");
                if (cols.length > 6) manifest.put(cols[0], cols[6]);
            }
        }
        // What Python (not PyTorch) reads from the files PyTorch cannot open, recorded as facts by
        // gen_longtail_fixtures.py: the joblib dump.
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) dev.torch4j.json.Json.parse(
                Files.readString(java.nio.file.Paths.get("src/test/resources/fixtures/longtail/corpus_facts.json")));
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Object> e : view.entrySet()) {
            String rel = e.getKey();
            @SuppressWarnings("unchecked") Map<String, Object> expected = (Map<String, Object>) facts.getOrDefault(rel, e.getValue());
            Path file = corpus.resolve(rel);
            tests.add(DynamicTest.dynamicTest(rel, () -> {
                Assumptions.assumeTrue(Files.exists(file), "missing " + rel);
                String folder = rel.substring(0, rel.indexOf('/'));
                int[] counts = PASSED_BY_FOLDER.computeIfAbsent(folder, k -> new int[2]);
                synchronized (counts) { counts[1]++; }
                check(file, expected, manifest.getOrDefault(rel, ""));
                synchronized (counts) { counts[0]++; }
            }));
        }
        return tests;
    }

    @SuppressWarnings("unchecked")
    private static void check(Path file, Map<String, Object> expected, String description) throws Exception {
        String error = (String) expected.get("error");
        List<Object> tensors = (List<Object>) expected.get("tensors");
        try (Checkpoint cp = Torch.open(file)) {
            assertNotNull(cp.format());
            if (expected.get("format") != null) assertEquals(expected.get("format"), cp.format().id());
            checkManifestFacts(cp, description);
            if (error != null && error.contains("Invalid magic number")) {
                assertEquals(Format.PICKLE, cp.format(), "PyTorch refused it as a torch.save file: a plain pickle");
            }
            if (error != null && error.startsWith("ModuleNotFoundError")) {
                assertFalse(cp.tensors().isEmpty(), "torch4j reads files whose modules PyTorch lacks");
            }
            if (tensors == null || tensors.isEmpty()) {
                cp.tensors(); // must still walk cleanly
                return;
            }
            Map<String, Tensor> actual = cp.tensors();
            Map<String, String> want = new TreeMap<>();
            Map<String, String> got = new TreeMap<>();
            for (Object o : tensors) {
                Map<String, Object> t = (Map<String, Object>) o;
                want.put((String) t.get("path"), t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256"));
            }
            for (Map.Entry<String, Tensor> t : actual.entrySet()) {
                Tensor x = t.getValue();
                List<Long> shape = new ArrayList<>();
                for (long d : x.shape()) shape.add(d);
                got.put(t.getKey(), x.dtype().pythonName() + " " + shape + " " + (want.containsKey(t.getKey()) ? x.sha256() : "?"));
            }
            if (!want.equals(got)) {
                StringBuilder diff = new StringBuilder();
                for (String k : want.keySet()) if (!want.get(k).equals(got.get(k))) diff.append("\n  want ").append(k).append(": ").append(want.get(k)).append("\n   got ").append(got.get(k));
                for (String k : got.keySet()) if (!want.containsKey(k)) diff.append("\n  extra ").append(k).append(": ").append(got.get(k));
                fail("tensors differ from PyTorch's view:" + diff);
            }
        }
    }

    /** The facts MANIFEST.tsv records about the file (archive version, root folder, bytecode version). */
    private static void checkManifestFacts(Checkpoint cp, String description) {
        Matcher m = Pattern.compile("archive version (\\d+)").matcher(description);
        if (m.find()) assertEquals(Long.parseLong(m.group(1)), cp.metadata().get("archive.version"));
        m = Pattern.compile("root dir \"([^\"]*)\"").matcher(description);
        if (m.find()) assertEquals(m.group(1), cp.metadata().get("archive.root"));
        m = Pattern.compile("bytecode v(\\d+)").matcher(description);
        if (m.find()) {
            assertEquals(Format.MOBILE, cp.format());
            assertEquals(Long.parseLong(m.group(1)), cp.metadata().get("mobile.bytecode_version"));
        }
        if (description.startsWith("TorchScript")) assertEquals(Format.TORCHSCRIPT, cp.format());
        if (description.startsWith("legacy")) assertEquals(Format.LEGACY, cp.format());
        if (description.startsWith("zip torch.save")) assertEquals(Format.ZIP, cp.format());
        m = Pattern.compile("byteorder=(\\w+)").matcher(description);
        if (m.find()) assertEquals(m.group(1), cp.metadata().get("archive.byteorder"));
        m = Pattern.compile("pytorch-lightning_version=([\\w.]+)").matcher(description);
        if (m.find()) assertEquals(m.group(1), cp.metadata().get("lightning.version"));
        // Lightning names checkpoints after the epoch and global step it stores inside them.
        m = Pattern.compile("epoch=(\\d+)-step=(\\d+)\\.ckpt$").matcher(cp.path().getFileName().toString());
        if (m.find()) {
            assertEquals(Long.parseLong(m.group(1)), cp.metadata().get("epoch"));
            assertEquals(Long.parseLong(m.group(2)), cp.metadata().get("global_step"));
        }
    }

    @AfterAll
    static void report() {
        StringBuilder sb = new StringBuilder("corpus results (passed/run per folder):");
        new TreeMap<>(PASSED_BY_FOLDER).forEach((k, v) -> sb.append(' ').append(k).append('=').append(v[0]).append('/').append(v[1]));
        System.out.println(sb);
    }

    @SuppressWarnings("unused")
    private static String shape(long[] s) { return Arrays.toString(s); }
}
