package dev.torch4j.spark;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanLimits;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Severity;
import dev.torch4j.testing.Fixtures;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A Spark row and the CLI agree on the same bytes: the files-mode verdict, findings and error are
 * what {@code torch4j scan DIR} computes ({@link ModelScanner#scan(Path, ScanLimits, boolean)}, the
 * call its ScanCommand makes per file), and the index gives an error row exactly for the files
 * {@code torch4j inspect} cannot open ({@link Torch#open(Path)}). Over the format corner cases
 * (a truncated legacy file, the 0.1.x tar layout, truncated and corrupt zips, garbage) and the
 * scanner's malicious fixtures.
 */
class OneVerdictTest {
    static SparkSession spark;
    @TempDir static Path tmp;
    static Path store;

    @BeforeAll static void start() throws Exception {
        store = tmp.resolve("store");
        copyAll(Fixtures.root().getParent().resolve("format"), store.resolve("format"));
        copyAll(Fixtures.root().resolve("scan"), store.resolve("scan"));
        copyAll(Fixtures.root().resolve("malicious"), store.resolve("malicious"));
        // a legacy checkpoint cut inside its storage data: its pickles are whole, its tensors are not
        byte[] legacy = Files.readAllBytes(Fixtures.file("legacy/mlp_state_dict.pt"));
        Files.write(store.resolve("format/legacy_cut_in_data.pt"), java.util.Arrays.copyOf(legacy, legacy.length - 40));
        spark = SparkSession.builder().master("local[2]").appName("torch4j-verdicts")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll static void stop() {
        if (spark != null) spark.stop();
    }

    private static void copyAll(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".json")).toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    @Test void filesRowsAreTheCliScansVerdictsFindingsAndErrors() {
        Map<String, String> got = new TreeMap<>();
        for (Row r : spark.read().format("torch4j").option("mode", "files").load(store.toString())
                .select("file", "verdict", "findings", "error").collectAsList()) {
            List<String> findings = new ArrayList<>();
            for (Row f : r.<Row>getList(2)) findings.add(f.getString(0) + "@" + f.getLong(1) + " " + f.getString(2));
            String path = java.net.URI.create(r.getString(0)).getPath();
            got.put(path, r.getString(1) + " " + findings + " " + (r.isNullAt(3) ? "" : r.getString(3).replace(r.getString(0), path)));
        }
        Map<String, String> cli = new TreeMap<>();
        Map<String, Integer> verdicts = new HashMap<>();
        for (Path p : files()) {
            ScanResult s = ModelScanner.scan(p, ScanLimits.DEFAULT, true);
            List<String> findings = new ArrayList<>();
            for (var f : s.findings()) if (f.severity() == Severity.DANGEROUS) findings.add(f.entry() + "@" + f.offset() + " " + f.global());
            cli.put(p.toString(), s.verdict().id() + " " + findings + " " + (s.error() == null ? "" : s.error()));
            verdicts.merge(s.verdict().id(), 1, Integer::sum);
        }
        assertEquals(cli, got);
        // the corpus reaches every verdict but skipped
        for (String v : List.of("dangerous", "unreadable", "clean")) assertTrue(verdicts.containsKey(v), v + " in " + verdicts);
        assertTrue(got.get(store.resolve("format/legacy_tar.pt").toString()).startsWith(
                ModelScanner.scan(store.resolve("format/legacy_tar.pt")).verdict().id()));
    }

    @Test void indexErrorsAreExactlyTheFilesInspectCannotOpen() {
        Map<String, Boolean> got = new TreeMap<>();
        for (Row r : spark.read().format("torch4j").load(store.resolve("format").toString()).select("file", "error").collectAsList()) {
            got.merge(java.net.URI.create(r.getString(0)).getPath(), !r.isNullAt(1), Boolean::logicalOr);
        }
        Map<String, Boolean> cli = new TreeMap<>();
        for (Path p : files()) {
            if (!p.startsWith(store.resolve("format"))) continue;
            boolean failed;
            try (Checkpoint cp = Torch.open(p)) {
                cp.tensors().forEach((k, t) -> t.shape());
                failed = false;
            } catch (Exception e) {
                failed = true;
            }
            cli.put(p.toString(), failed);
        }
        // a file with no tensors has no rows at all in the index: compare the files that have rows
        cli.keySet().retainAll(got.keySet());
        assertEquals(cli, got);
        assertTrue(got.get(store.resolve("format/legacy_cut_in_data.pt").toString()) != null);
    }

    private static List<Path> files() {
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
