package dev.torch4j.spark;

import dev.torch4j.Torch;
import dev.torch4j.json.Json;
import dev.torch4j.tensor.Tensors;
import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The application jar on a real standalone cluster (a master and two one-core workers on 127.0.0.1,
 * each its own JVM, from Spark's jars alone): index, scan and convert give the same rows and the
 * same output bytes as {@code local[2]}, also when a worker and its executor are killed in the
 * middle of convert (Spark re-runs the lost tasks; they replace their own outputs without
 * {@code --force} and leave no temporary behind).
 */
class SparkClusterIT {
    @TempDir Path tmp;

    @Test @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void clusterGivesLocalModesRowsAndBytesAndSurvivesALostWorker() throws Exception {
        Path store = store(tmp.resolve("store"));

        Map<String, String> local = new LinkedHashMap<>();
        for (String command : List.of("index", "scan", "convert")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Main.run(new String[]{command, store.toString(), tmp.resolve("local-" + command).toString(), "--master", "local[2]", "--json"},
                    new PrintStream(out, true), System.err);
            local.put(command, out.toString(StandardCharsets.UTF_8));
        }

        try (StandaloneCluster cluster = new StandaloneCluster(tmp.resolve("cluster"), 2)) {
            StandaloneCluster.Run index = cluster.submit("submit-index", null,
                    "index", store.toString(), tmp.resolve("cluster-index").toString(), "--json");
            assertEquals(1, index.status(), index.err()); // the malicious fixtures are error rows: status 1, as local
            assertEquals(sortedParts(tmp.resolve("local-index")), sortedParts(tmp.resolve("cluster-index")));
            assertSameCounts(local.get("index"), index.out());
            // Spark's own INFO logging stays off: a few warnings at most
            assertTrue(index.err().lines().count() < 40, index.err());

            // Main with plain java: it ships its own jar to the cluster's executors
            StandaloneCluster.Run scan = cluster.plainJava("java-scan",
                    "scan", store.toString(), tmp.resolve("cluster-scan").toString(), "--json");
            assertEquals(1, scan.status(), scan.err());
            assertEquals(sortedParts(tmp.resolve("local-scan")), sortedParts(tmp.resolve("cluster-scan")));
            assertSameCounts(local.get("scan"), scan.out());

            // convert, killing worker 0 and its executor once the first converted file is in place
            Path out = tmp.resolve("cluster-convert");
            AtomicBoolean killed = new AtomicBoolean();
            StandaloneCluster.Run convert = cluster.submit("submit-convert", () -> {
                if (!anyConverted(out)) return false;
                cluster.killWorker(0);
                killed.set(true);
                return true;
            }, "convert", store.toString(), out.toString(), "--json");
            assertTrue(killed.get(), "the worker was killed during convert");
            assertTrue(convert.err().contains("Lost") || convert.err().contains("lost"),
                    "Spark re-ran the lost executor's tasks:\n" + convert.err());
            assertEquals(1, convert.status(), convert.err());
            assertSameCounts(local.get("convert"), convert.out());
            assertEquals(manifest(tmp.resolve("local-convert")), manifest(out));
            assertEquals(tree(tmp.resolve("local-convert")), tree(out), "same files, same bytes, nothing else");
            for (String name : tree(out).keySet()) {
                assertFalse(name.contains("_torch4j-job-") || name.endsWith(".tmp"), "leftover " + name);
            }
        }
    }

    /** The fixtures PyTorch wrote (malicious ones included) and 100 checkpoints of 1 MiB, enough for convert to outlast the kill (polled every 20 ms) even on an idle machine. */
    static Path store(Path store) throws IOException {
        for (Fixtures.Expected e : Fixtures.expected()) {
            Path target = store.resolve(e.file());
            Files.createDirectories(target.getParent());
            Files.copy(e.path(), target);
        }
        Path generated = Files.createDirectories(store.resolve("generated"));
        for (int f = 0; f < 100; f++) {
            int n = 1 << 16;
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = f * 1000 + i * 0.5f;
            Map<String, Object> sd = new LinkedHashMap<>();
            for (int t = 0; t < 4; t++) sd.put("layer" + t + ".weight", Tensors.of(a, 256, n / 256));
            Torch.save(sd, generated.resolve(String.format("model-%03d.pt", f)));
        }
        return store;
    }

    private static boolean anyConverted(Path out) {
        try (Stream<Path> s = Files.walk(out)) {
            return s.anyMatch(p -> p.toString().endsWith(".safetensors") && !p.toString().contains("_torch4j-job-"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // not created yet
        }
    }

    /** The JSON lines of a Spark output folder's part files, sorted. */
    static List<String> sortedParts(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(x -> x.getFileName().toString().startsWith("part-")).toList()) lines.addAll(Files.readAllLines(p));
        }
        lines.sort(null);
        assertFalse(lines.isEmpty(), dir.toString());
        return lines;
    }

    /** The convert manifest's lines with the output folder taken out, sorted. */
    private static List<String> manifest(Path out) throws IOException {
        String root = out.toUri().toString().replaceFirst("^file:///", "file:/").replaceAll("/$", "");
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("_convert.jsonl"))) lines.add(l.replace(root, "OUT"));
        lines.sort(null);
        return lines;
    }

    /** Every file under a folder, by relative path, with its bytes' SHA-256; the manifest left out (its paths differ). */
    private static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.equals("_convert.jsonl")) continue;
                files.put(rel, java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return files;
    }

    /** The summaries agree on every count (seconds and CPU differ, of course). */
    @SuppressWarnings("unchecked")
    private static void assertSameCounts(String local, String cluster) throws dev.torch4j.json.JsonException {
        Map<String, Object> a = new TreeMap<>((Map<String, Object>) Json.parse(local.trim()));
        Map<String, Object> b = new TreeMap<>((Map<String, Object>) Json.parse(lastLine(cluster)));
        for (String k : List.of("seconds", "cpuSeconds", "taskCpuSeconds", "output")) {
            a.remove(k);
            b.remove(k);
        }
        assertEquals(a, b);
    }

    private static String lastLine(String s) {
        List<String> lines = s.lines().filter(l -> l.startsWith("{")).toList();
        assertFalse(lines.isEmpty(), "no JSON summary in:\n" + s);
        return lines.get(lines.size() - 1);
    }
}
