package dev.torch4j.spark;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.Torch;
import dev.torch4j.json.Json;
import dev.torch4j.tensor.Tensors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The {@code torch4j} source and {@code Main} on Spark {@code local[2]}, over a store made of the
 * fixtures PyTorch wrote: the index is PyTorch's view ({@code expected.json}), the scan flags the
 * malicious files, converted files load in PyTorch bit-exactly, and files are read in ranges
 * through Hadoop's file system. One session for the class: starting Spark is the slow part.
 */
class SparkStoreTest {
    static SparkSession spark;
    @TempDir static Path tmp;
    static Path store;
    /** store-relative file -> expectations */
    static Map<String, Fixtures.Expected> expected = new HashMap<>();

    @BeforeAll static void start() throws Exception {
        store = tmp.resolve("store");
        for (Fixtures.Expected e : Fixtures.expected()) {
            Path target = store.resolve(e.file());
            Files.createDirectories(target.getParent());
            Files.copy(e.path(), target);
            expected.put(target.toUri().getPath(), e);
        }
        spark = SparkSession.builder().master("local[2]").appName("torch4j-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll static void stop() {
        if (spark != null) spark.stop();
    }

    private static String local(String file) {
        return java.net.URI.create(file).getPath();
    }

    @Test void indexIsPytorchsView() {
        List<Row> rows = spark.read().format("torch4j").option("hash", "true").load(store.toString())
                .select("file", "path", "dtype", "shape", "sha256", "error").collectAsList();
        Map<String, Map<String, String>> got = new TreeMap<>();
        Map<String, String> errors = new TreeMap<>();
        for (Row r : rows) {
            String file = local(r.getString(0));
            if (!r.isNullAt(5)) {
                errors.put(file, r.getString(5));
                continue;
            }
            got.computeIfAbsent(file, k -> new TreeMap<>())
                    .put(r.getString(1), r.getString(2) + " " + r.getList(3) + " " + r.getString(4));
        }
        int compared = 0;
        for (Map.Entry<String, Fixtures.Expected> e : expected.entrySet()) {
            Fixtures.Expected x = e.getValue();
            if (x.unsafe()) {
                assertTrue(errors.getOrDefault(e.getKey(), "").contains("dangerous global"), x + ": " + errors.get(e.getKey()));
                continue;
            }
            Map<String, String> want = new TreeMap<>();
            for (Fixtures.ExpectedTensor t : x.tensors()) want.put(t.path(), t.dtype() + " " + t.shape() + " " + t.sha256());
            assertEquals(want, got.getOrDefault(e.getKey(), Map.of()), x.toString());
            compared++;
        }
        assertTrue(compared >= 30, compared + " files compared");

        // pushdown and pruning: a format predicate and a listing without sha256
        long legacy = spark.read().format("torch4j").load(store.toString()).filter(col("format").equalTo("legacy")).count();
        long wantLegacy = expected.values().stream().filter(x -> x.format().equals("legacy") && !x.unsafe())
                .mapToLong(x -> x.tensors().size()).sum();
        assertEquals(wantLegacy, legacy);
    }

    @Test void scanFlagsTheMaliciousFilesAndPassesTheRest() {
        List<Row> rows = spark.read().format("torch4j").option("mode", "files").load(store.toString())
                .select("file", "verdict", "findings", "error").collectAsList();
        assertEquals(expected.size(), rows.size());
        for (Row r : rows) {
            Fixtures.Expected x = expected.get(local(r.getString(0)));
            assertNotNull(x, r.getString(0));
            // PyTorch's facts say dangerous or not; a benign file holding pickled classes of its own
            // (__main__ modules) is "unknown" to the scanner, never dangerous.
            if (x.scanVerdict().equals("dangerous")) assertEquals("dangerous", r.getString(1), x + " " + r.getString(3));
            else assertTrue(List.of("clean", "unknown").contains(r.getString(1)), x + " " + r.getString(1) + " " + r.getString(3));
            List<String> want = new ArrayList<>();
            for (Map<String, Object> f : x.findings()) want.add(f.get("entry") + "@" + f.get("offset") + " " + f.get("global"));
            List<String> findings = new ArrayList<>();
            for (Row f : r.<Row>getList(2)) findings.add(f.getString(0) + "@" + f.getLong(1) + " " + f.getString(2));
            assertEquals(want, findings, x.toString());
        }
    }

    @Test void convertedFilesLoadInPytorchBitExactly() throws Exception {
        Assumptions.assumeTrue(Fixtures.referencePytorchAvailable(), "reference PyTorch (/usr/bin/python3 with torch) not installed");
        Path in = tmp.resolve("convert-in");
        List<String> picked = List.of("zip/mlp_state_dict.pt", "zip/views.pt", "zip/shared_storage.pt",
                "legacy/mlp_state_dict.pt", "zip/lightning.ckpt", "zip/dtypes.pt", "malicious/reduce_system.pkl");
        for (String f : picked) {
            Files.createDirectories(in.resolve(f).getParent());
            Files.copy(Fixtures.file(f), in.resolve(f));
        }
        Path out = tmp.resolve("convert-out");
        ConvertJob.run(spark, in.toString(), out.toString(), false, ReadOptions.from(
                new org.apache.spark.sql.util.CaseInsensitiveStringMap(Map.of())))
                .forEach(l -> assertTrue(l.contains("\"output\"") || l.contains("dtypes.pt") || l.contains("reduce_system"), l));
        List<Path> written;
        try (Stream<Path> s = Files.walk(out)) {
            written = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertEquals(5, written.size(), written.toString()); // dtypes.pt holds complex tensors, which safetensors cannot
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "src/test/python/load_safetensors.py"));
        written.forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), json);
        @SuppressWarnings("unchecked") Map<String, Map<String, List<Object>>> loaded = (Map<String, Map<String, List<Object>>>) Json.parse(json);
        int tensors = 0;
        for (Path w : written) {
            String rel = out.relativize(w).toString().replace(".safetensors", "");
            Fixtures.Expected x = Fixtures.expected().stream().filter(e -> e.file().startsWith(rel + ".")).findFirst().orElseThrow();
            Map<String, List<Object>> file = loaded.get(w.toString());
            assertFalse(file.isEmpty(), rel);
            for (Map.Entry<String, List<Object>> t : file.entrySet()) {
                // state-dict names are the file's tensor paths, or their tails (a Lightning "state_dict." prefix)
                Fixtures.ExpectedTensor want = x.tensors().stream()
                        .filter(e -> e.path().equals(t.getKey()) || e.path().endsWith("." + t.getKey())).findFirst().orElseThrow();
                assertEquals(List.of(want.dtype(), want.shape(), want.sha256()), t.getValue(), rel + " " + t.getKey());
                tensors++;
            }
        }
        assertTrue(tensors >= 30, tensors + " tensors compared");
    }

    @Test void readsRangesThroughHadoop() throws Exception {
        Path dir = tmp.resolve("big");
        Files.createDirectories(dir);
        int n = 2 << 20; // two tensors of 8 MiB each
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
            b[i] = -i * 0.25f;
        }
        Torch.save(Map.of("a", Tensors.of(a, n), "b", Tensors.of(b, 1024, n / 1024)), dir.resolve("big.pt"));
        long size = Files.size(dir.resolve("big.pt"));

        HadoopSource.BYTES_READ.set(0);
        List<Row> listing = spark.read().format("torch4j").option("hash", "true").load(dir.toUri().toString())
                .select("path", "numel", "bytes").collectAsList(); // no sha256 asked: no tensor data read
        assertEquals(2, listing.size());
        long listed = HadoopSource.BYTES_READ.get();
        assertTrue(listed < 256 * 1024, "listing read " + listed + " of " + size + " bytes");

        HadoopSource.BYTES_READ.set(0);
        Map<String, String> sha = new TreeMap<>();
        for (Row r : spark.read().format("torch4j").option("hash", "true").option("splitBytes", String.valueOf(4 << 20))
                .load(dir.toString()).select("path", "sha256").collectAsList()) {
            sha.put(r.getString(0), r.getString(1));
        }
        assertEquals(Map.of("a", sha256(a), "b", sha256(b)), sha, "split into 5 pieces, each tensor hashed once");
        long hashed = HadoopSource.BYTES_READ.get();
        assertTrue(hashed >= 8L * n && hashed < 8L * n + 6 * 256 * 1024, "hashing read " + hashed + " of " + size + " bytes");

        List<Row> over = spark.read().format("torch4j").option("maxFileBytes", "1000000").load(dir.toString())
                .select("file", "error").collectAsList();
        assertEquals(1, over.size());
        assertTrue(over.get(0).getString(1).contains("over the per-file budget"), over.get(0).getString(1));
    }

    @Test void mainScanWritesJsonLinesAndExitsOneOnDangerousFiles() throws Exception {
        Path out = tmp.resolve("scan-out");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int status = Main.run(new String[]{"scan", store.resolve("malicious").toString(), out.toString(), "--json"},
                new PrintStream(stdout, true), System.err);
        assertEquals(1, status);
        spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate(); // Main stopped it
        @SuppressWarnings("unchecked") Map<String, Object> summary = (Map<String, Object>) Json.parse(stdout.toString(StandardCharsets.UTF_8).trim());
        assertEquals(5L, summary.get("dangerous"));
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path part : s.filter(x -> x.getFileName().toString().startsWith("part-")).toList()) lines.addAll(Files.readAllLines(part));
        }
        assertEquals(5, lines.size());
        for (String l : lines) {
            @SuppressWarnings("unchecked") Map<String, Object> row = (Map<String, Object>) Json.parse(l);
            assertEquals("dangerous", row.get("verdict"), l);
            assertTrue(((List<?>) row.get("globals")).contains("posix.system"), l);
        }
        assertEquals(2, Main.run(new String[]{"scan", "only-one-arg"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream())));
    }

    private static String sha256(float[] values) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.array()));
    }
}
