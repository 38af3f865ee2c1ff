package dev.torch4j.scan;

import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.json.Json;
import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scanner against fixtures/scan (gen_scan_fixtures.py): every malicious file there was proven
 * to run code under PyTorch 1.13 and must be dangerous, naming the global and the chain the
 * generator recorded; every benign look-alike must not be. No other fixture, and no real
 * checkpoint of ../shared/corpus, may be rated dangerous.
 */
class ScanFixturesTest {
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> expected() throws IOException {
        return (Map<String, Map<String, Object>>) Json.parse(Files.readString(Fixtures.file("scan/scan-expected.json")));
    }

    @TestFactory
    Stream<DynamicTest> verdictGlobalAndChain() throws IOException {
        return expected().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Map<String, Object> want = e.getValue();
            ScanResult r = ModelScanner.scan(Fixtures.file("scan/" + e.getKey()));
            assertNull(r.error(), r::toString);
            assertEquals(want.get("verdict"), r.verdict().id(), r::toString);
            if (!"dangerous".equals(want.get("verdict"))) return;
            assertEquals(Boolean.TRUE, want.get("fires"), "the generator proved the payload runs");
            List<?> chain = (List<?>) want.get("chain");
            boolean named = r.dangerous().stream().anyMatch(f -> f.global().equals(want.get("global")) && chainMatches(f.chain(), chain));
            assertTrue(named, want.get("global") + " with chain " + chain + " not among " + r.dangerous());
        }));
    }

    /** Each technique class of issue 10 has at least one proven fixture, all flagged. */
    @Test
    void everyTechniqueClassIsCovered() throws IOException {
        Map<String, Integer> flagged = new TreeMap<>();
        for (Map.Entry<String, Map<String, Object>> e : expected().entrySet()) {
            String technique = (String) e.getValue().get("technique");
            if (technique.equals("benign")) continue;
            if (ModelScanner.scan(Fixtures.file("scan/" + e.getKey())).verdict() == Verdict.DANGEROUS) flagged.merge(technique, 1, Integer::sum);
        }
        assertEquals(7, flagged.size(), flagged::toString);
    }

    private static boolean chainMatches(List<String> got, List<?> want) {
        if (got.size() != want.size()) return false;
        for (int i = 0; i < got.size(); i++) if (!got.get(i).startsWith((String) want.get(i))) return false;
        return true;
    }

    /**
     * The long-tail reader's refusal fixture that runs code: a partial of os.system. (Its other one,
     * getattr(torch.serialization, "load"), only fetches a function without calling it: the reader
     * refuses it on principle, the scanner rightly finds nothing that runs.)
     */
    private static final List<String> LONGTAIL_MALICIOUS = List.of("longtail/learner_partial_system.pkl");

    @Test
    void longtailRefusalsAreDangerous() {
        for (String rel : LONGTAIL_MALICIOUS) {
            ScanResult r = ModelScanner.scan(Fixtures.file(rel));
            assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
        }
    }

    @TestFactory
    Stream<DynamicTest> noOtherFixtureIsDangerous() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : ModelScanner.files(Fixtures.root())) {
            String rel = Fixtures.root().relativize(p).toString();
            if (rel.startsWith("malicious/") || rel.startsWith("scan/c") || rel.startsWith("pickle/mal_")
                    || LONGTAIL_MALICIOUS.contains(rel)) continue;
            files.add(p);
        }
        return files.stream().map(p -> DynamicTest.dynamicTest(Fixtures.root().relativize(p).toString(), () -> {
            ScanResult r = ModelScanner.scan(p, ScanLimits.DEFAULT, true);
            assertNotEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
        }));
    }

    /** The real checkpoints of ../shared/corpus (MANIFEST.tsv): none dangerous. Skipped when the folder is absent. */
    @Test
    void corpusHasNoDangerousFile() throws IOException {
        Path corpus = corpus();
        assumeTrue(corpus != null, "no ../shared/corpus here");
        List<ScanResult> results = ModelScanner.scanTree(corpus, null);
        long scanned = results.stream().filter(r -> r.verdict() != Verdict.SKIPPED).count();
        assertTrue(scanned >= 80, "expected the corpus's model files, scanned " + scanned);
        List<ScanResult> dangerous = results.stream().filter(r -> r.verdict() == Verdict.DANGEROUS).toList();
        assertEquals(List.of(), dangerous);
    }

    static Path corpus() {
        Path root = Fixtures.root(); // <repo>/java/core/src/test/resources/fixtures
        for (Path dir = root; dir != null; dir = dir.getParent()) {
            Path c = dir.resolve("shared").resolve("corpus");
            if (Files.isDirectory(c) && Files.exists(c.resolve("MANIFEST.tsv"))) return c;
        }
        return null;
    }

    /** Reading sees the archive PyTorch sees: DATA.PKL is data.pkl (and refused for its global), duplicates are refused. */
    @Test
    void readerAndScannerSeeTheSameArchive() {
        UnsafePickleException e = assertThrows(UnsafePickleException.class, () -> Torch.open(Fixtures.file("scan/c6_case_data_pkl.pt")).close());
        assertEquals("posix.system", e.global());
        TorchFileException d = assertThrows(TorchFileException.class, () -> Torch.open(Fixtures.file("scan/c6_duplicate_data_pkl.pt")).close());
        assertTrue(d.getMessage().contains("two entries"), d.getMessage());
    }

    @Test
    void bytesAreScannedLikeFiles() throws IOException {
        byte[] b = Files.readAllBytes(Fixtures.file("scan/c4_pickle_loads.pkl"));
        ScanResult r = ModelScanner.scan("upload.bin", b);
        assertEquals(Verdict.DANGEROUS, r.verdict());
        assertEquals("upload.bin", r.file());
        assertEquals("posix.system", r.dangerous().get(0).global());
    }
}
