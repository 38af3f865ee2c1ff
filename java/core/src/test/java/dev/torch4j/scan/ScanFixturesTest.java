package dev.torch4j.scan;

import dev.torch4j.testing.SharedFolder;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.json.Json;
import dev.torch4j.testing.Fixtures;
import dev.torch4j.testing.HostileBytes;
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
     * The long-tail reader's refusal fixtures: a partial of os.system, and getattr(torch.serialization,
     * "load"), which fetches torch.load without calling it: a reference to a loader is evidence of an
     * attack (nothing a weights file needs), so both are dangerous.
     */
    private static final List<String> LONGTAIL_MALICIOUS = List.of("longtail/learner_partial_system.pkl",
            "longtail/learner_getattr_os.pkl");

    /** .pt2 fixtures a loader would run code from: a pickled os.system constant, an AOTInductor library (Pt2ArchiveTest). */
    private static final List<String> PT2_DANGEROUS = List.of("pt2/hostile_opaque.pt2", "pt2/aoti_package.pt2");

    @Test
    void longtailRefusalsAreDangerous() {
        for (String rel : PT2_DANGEROUS) assertEquals(Verdict.DANGEROUS, ModelScanner.scan(Fixtures.file(rel)).verdict(), rel);
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
                    || LONGTAIL_MALICIOUS.contains(rel) || PT2_DANGEROUS.contains(rel)) continue;
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
        // The one joblib dump (raw array bytes inside its pickle) is read as joblib reads it: nothing is unreadable.
        List<ScanResult> unreadable = results.stream().filter(r -> r.verdict() == Verdict.UNREADABLE).toList();
        assertEquals(List.of(), unreadable);
        // Default-deny must still prove plain weights clean: every file PyTorch 1.13's weights-only
        // unpickler loaded (pytorch-view.json, recorded from PyTorch itself) is clean.
        Map<?, ?> view = (Map<?, ?>) Json.parse(Files.readString(corpus.resolve("pytorch-view.json")));
        List<String> notClean = new ArrayList<>();
        int weightsOnly = 0;
        for (ScanResult r : results) {
            String rel = corpus.relativize(Path.of(r.file())).toString();
            if (!(view.get(rel) instanceof Map<?, ?> v) || !"weights_only".equals(v.get("loaded_by"))) continue;
            weightsOnly++;
            if (r.verdict() != Verdict.CLEAN) notClean.add(rel + " " + r.verdict() + " " + r.findings());
        }
        assertTrue(weightsOnly >= 20, "weights-only files in the corpus: " + weightsOnly);
        assertEquals(List.of(), notClean);
    }

    /** The parallel walk reports exactly what the serial one does, in the same order (fixture files judged against picklescan above). */
    @Test
    void parallelTreeScanMatchesSerial() throws IOException {
        Path dir = Fixtures.root().resolve("scan");
        List<ScanResult> serial = ModelScanner.scanTree(dir, null);
        List<ScanResult> seen = new java.util.ArrayList<>();
        List<ScanResult> parallel = ModelScanner.scanTree(dir, seen::add, 4);
        assertTrue(serial.size() >= 20, "scan fixtures: " + serial.size());
        assertEquals(serial, parallel);
        assertEquals(parallel, seen);
        assertTrue(parallel.stream().anyMatch(r -> r.verdict() == Verdict.DANGEROUS));
    }

    static Path corpus() {
        Path c = SharedFolder.requireCorpus();
        return Files.exists(c.resolve("MANIFEST.tsv")) ? c : null;
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

    // ---- joblib: array bytes follow BUILD of NumpyArrayWrapper (fixtures/longtail, written by Debian's joblib)

    /** Every joblib dump the JDK can decode scans clean (arrays) or unknown (scikit-learn classes), never unreadable. */
    @Test
    void joblibDumpsAreCleanOrUnknown() throws IOException {
        Map<String, Verdict> want = new TreeMap<>(Map.of(
                "joblib_arrays.joblib", Verdict.CLEAN, "joblib_arrays_p2.joblib", Verdict.CLEAN,
                "joblib_arrays_unaligned.joblib", Verdict.CLEAN, "joblib_arrays_gzip.joblib.gz", Verdict.CLEAN,
                "joblib_arrays_zlib.joblib.z", Verdict.CLEAN, "joblib_scaler.joblib", Verdict.UNKNOWN,
                "joblib_logreg.joblib", Verdict.UNKNOWN, "joblib_logreg_multiclass.joblib", Verdict.UNKNOWN,
                "joblib_pipeline.joblib", Verdict.UNKNOWN, "joblib_scaler_zlib.joblib.z", Verdict.UNKNOWN));
        want.put("joblib_scaler_gzip.joblib.gz", Verdict.UNKNOWN);
        for (Map.Entry<String, Verdict> e : want.entrySet()) {
            ScanResult r = ModelScanner.scan(Fixtures.file("longtail/" + e.getKey()));
            assertNull(r.error(), r::toString);
            assertEquals(e.getValue(), r.verdict(), r::toString);
            // Only scikit-learn's own classes are unknown; joblib's wrapper and numpy are known.
            for (Finding f : r.findings()) assertTrue(f.global().startsWith("sklearn."), f.toString());
        }
    }

    /** A joblib object array is a nested pickle: one that calls os.system is dangerous, named in its chain. */
    @Test
    void joblibObjectArrayPickleIsScanned() {
        HostileBytes.Pickle p = wrapper("O8", 63, new long[] {1}, true);
        p.proto(2).global("posix", "system").str("echo joblib").op(0x85, 'R').stop(); // the nested pickle (TUPLE1, REDUCE)
        p.stop();
        ScanResult r = ModelScanner.scan("objects.joblib", p.bytes());
        assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
        Finding f = r.dangerous().get(0);
        assertEquals("posix.system", f.global());
        assertTrue(f.chain().get(f.chain().size() - 1).startsWith("joblib object array at byte"), f.toString());
    }

    /** The skip is exact: data made of STOP opcodes, then a call after the array, as joblib.load reads it. */
    @Test
    void joblibArrayBytesAreSkippedExactly() {
        HostileBytes.Pickle p = wrapper("f8", 0, new long[] {2}, true);
        int at = p.bytes().length;
        int padding = 16 - (at + 1) % 16;
        p.op(padding).repeat(padding, 0xff).repeat(16, '.');
        p.op('0').global("posix", "system").str("echo joblib").op(0x85, 'R').stop();
        ScanResult r = ModelScanner.scan("after.joblib", p.bytes());
        assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
        assertEquals("posix.system", r.dangerous().get(0).global());
    }

    /** Unaligned wrappers (joblib before 1.2) put data where pickle.load reads opcodes: both readings are rated. */
    @Test
    void unalignedArrayBytesAreAlsoReadAsPickleLoadReadsThem() {
        byte[] tail = new HostileBytes.Pickle().global("posix", "system").str("x").op(0x85, 'R').stop().bytes();
        HostileBytes.Pickle p = wrapper("u1", 0, new long[] {tail.length}, false);
        for (byte x : tail) p.op(x & 0xff);
        p.stop();
        ScanResult r = ModelScanner.scan("old.joblib", p.bytes());
        assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
        assertEquals("posix.system", r.dangerous().get(0).global());
    }

    /** A wrapper whose shape the scan cannot follow leaves the file unreadable, never clean. */
    @Test
    void unresolvedWrapperIsUnreadable() {
        HostileBytes.Pickle p = new HostileBytes.Pickle().proto(2).global("joblib.numpy_pickle", "NumpyArrayWrapper").op(')', 0x81)
                .op('}', '(').str("shape").op(']').str("dtype").global("numpy", "dtype").str("f8").op(0x89, 0x88, 0x87, 'R')
                .op('u', 'b').repeat(8, '.').stop();
        ScanResult r = ModelScanner.scan("odd.joblib", p.bytes());
        assertEquals(Verdict.UNREADABLE, r.verdict(), r::toString);
        assertTrue(r.error().contains("joblib") && r.error().contains("shape"), r.error());
    }

    /** joblib's wrapper is allowed as pickled (instantiated), not called. */
    @Test
    void callingTheWrapperIsDangerous() {
        byte[] b = new HostileBytes.Pickle().proto(2).global("joblib.numpy_pickle", "NumpyArrayWrapper").op(')', 'R').stop().bytes();
        ScanResult r = ModelScanner.scan("call.joblib", b);
        assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
    }

    /**
     * NumpyArrayWrapper as joblib.dump writes it (NEWOBJ, then BUILD with its attribute dict), the
     * dtype as numpy pickles it: {@code dtype(descr, False, True)} with state (3, order, ..., flags).
     */
    private static HostileBytes.Pickle wrapper(String descr, int flags, long[] shape, boolean aligned) {
        HostileBytes.Pickle p = new HostileBytes.Pickle().proto(2).global("joblib.numpy_pickle", "NumpyArrayWrapper").op(')', 0x81);
        p.op('}', '(').str("subclass").global("numpy", "ndarray").str("shape").tuple(shape).str("order").str("C");
        p.str("dtype").global("numpy", "dtype").str(descr).op(0x89, 0x88, 0x87, 'R');
        p.op('(').integer(3).str("|").op('N', 'N', 'N').integer(-1).integer(-1).integer(flags).op('t', 'b');
        p.str("allow_mmap").op(0x89);
        if (aligned) p.str("numpy_array_alignment_bytes").integer(16);
        return p.op('u', 'b');
    }
}
