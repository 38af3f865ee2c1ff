package dev.torch4j.cli;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The data a report page embeds, against numpy's statistics and the fixtures' design. */
class ReportCommandTest {
    static final Path MODEL = Fixtures.file("report/stats_model.pt");

    /** The JSON document inside the page. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Path html) throws Exception {
        String page = Files.readString(html);
        String open = "<script type=\"application/json\" id=\"torch4j-data\">";
        int start = page.indexOf(open) + open.length();
        String json = page.substring(start, page.indexOf("</script>", start)).replace("<\\/", "</");
        return (Map<String, Object>) Json.parse(json);
    }

    @SuppressWarnings("unchecked")
    @Test void pageHoldsEveryTensorWithNumpysStatistics(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("r.html");
        CliRun run = CliRun.of("report", MODEL.toString(), "-o", out.toString());
        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.out().contains("23 tensors, 5 warnings, scan clean"), run::toString);
        String page = Files.readString(out);
        assertFalse(page.matches("(?s).*(src|href)=\"https?:.*"), "no network references");
        Map<String, Object> d = data(out);
        List<String> columns = (List<String>) d.get("columns");
        List<List<Object>> rows = (List<List<Object>>) d.get("tensors");
        assertEquals(23, rows.size());
        Map<String, Map<String, Object>> expected = (Map<String, Map<String, Object>>) Json.parse(
                Files.readString(Fixtures.file("report/expected_stats.json")));
        Map<String, List<Object>> byPath = rows.stream().collect(Collectors.toMap(r -> (String) r.get(0), r -> r));
        for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) {
            List<Object> r = byPath.get(e.getKey());
            Map<String, Object> want = e.getValue();
            assertEquals(want.get("dtype"), r.get(columns.indexOf("dtype")));
            assertEquals(want.get("nan"), r.get(columns.indexOf("nan")), e.getKey());
            assertEquals(((Number) want.get("posinf")).longValue() + ((Number) want.get("neginf")).longValue(), r.get(columns.indexOf("inf")));
            assertEquals(want.get("zeros"), r.get(columns.indexOf("zeros")), e.getKey());
            if (want.containsKey("mean")) {
                double mean = ((Number) want.get("mean")).doubleValue();
                assertEquals(mean, ((Number) r.get(columns.indexOf("mean"))).doubleValue(), 1e-12 * Math.max(1, Math.abs(mean)), e.getKey());
                Map<String, Object> h = (Map<String, Object>) want.get("histogram");
                assertEquals(h.get("counts"), r.get(columns.indexOf("hist")), e.getKey());
            }
        }
        assertEquals("layers.0.weight", byPath.get("tied.weight").get(columns.indexOf("tied")));
        assertNull(byPath.get("cplx").get(columns.indexOf("mean")), "complex tensors have no statistics");
        List<String> kinds = ((List<Map<String, Object>>) d.get("warnings")).stream().map(w -> (String) w.get("kind")).toList();
        assertEquals(List.of("non_finite", "all_zero", "scale_outlier", "scale_outlier", "mixed_dtypes"), kinds);
        Map<String, Object> file = (Map<String, Object>) d.get("file");
        assertEquals("zip", file.get("format"));
        assertEquals(Files.size(MODEL), file.get("size"));
        assertEquals("clean", ((Map<String, Object>) d.get("scan")).get("verdict"));
    }

    @SuppressWarnings("unchecked")
    @Test void noStatsAndCompare(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("n.html");
        CliRun run = CliRun.of("report", "--no-stats", "--json", "--compare", Fixtures.file("report/diff_b.pt").toString(),
                Fixtures.file("report/diff_a.pt").toString(), "-o", out.toString());
        assertEquals(0, run.exit(), run::toString);
        Map<String, Object> summary = (Map<String, Object>) Json.parse(run.out());
        assertEquals(false, summary.get("diff_equal"));
        Map<String, Object> d = data(out);
        assertEquals(false, d.get("stats"));
        assertTrue(((List<?>) d.get("warnings")).isEmpty());
        Map<String, Object> diff = (Map<String, Object>) d.get("diff");
        assertEquals(List.of("model.dec.weight"), diff.get("only_in_a"));
    }

    @SuppressWarnings("unchecked")
    @Test void dangerousFileGetsAPageWithTheVerdict(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("d.html");
        CliRun run = CliRun.of("report", Fixtures.file("malicious/zip_extra_entry.pt").toString(), "-o", out.toString());
        assertEquals(0, run.exit(), run::toString);
        Map<String, Object> scan = (Map<String, Object>) data(out).get("scan");
        assertEquals("dangerous", scan.get("verdict"));
        assertEquals("posix.system", ((Map<String, Object>) ((List<?>) scan.get("findings")).get(0)).get("global"));
        assertFalse(Files.exists(Fixtures.MARKER), "nothing ran");
    }

    @Test void missingFileExitsTwo(@TempDir Path dir) {
        CliRun run = CliRun.of("report", dir.resolve("nope.pt").toString());
        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.err().contains("nope.pt: no such file"), run::toString);
    }

    @Test void anExistingPageIsKeptWithoutForce(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("r.html");
        Files.writeString(out, "mine");
        CliRun run = CliRun.of("report", "--no-stats", MODEL.toString(), "-o", out.toString());
        assertEquals(2, run.exit(), run::toString);
        assertEquals("torch4j: " + out + ": already exists (use --force to replace it)", run.err().strip());
        assertEquals("mine", Files.readString(out));
        CliRun forced = CliRun.of("report", "--no-stats", "--force", MODEL.toString(), "-o", out.toString());
        assertEquals(0, forced.exit(), forced::toString);
        assertTrue(Files.readString(out).startsWith("<!DOCTYPE html>") || Files.readString(out).contains("<html"));
    }
}
