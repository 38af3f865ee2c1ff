package dev.torch4j.cli;

import dev.torch4j.scan.Finding;
import dev.torch4j.scan.ScanResult;

import dev.torch4j.diff.DiffResult;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.stats.PowerOfTwoHistogram;
import dev.torch4j.stats.TensorStats;
import dev.torch4j.stats.Warning;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.io.AtomicFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report page: the template {@code report.html} (inline CSS and a script that draws everything
 * with hand-written SVG) plus the data as one JSON document in a {@code <script type="application/json">}
 * element. Tensors are rows of an array ({@link #COLUMNS}) rather than objects, which keeps a
 * 20,000-tensor page to a few megabytes.
 */
final class ReportPage {
    static final List<String> COLUMNS = List.of("path", "dtype", "shape", "numel", "bytes", "device", "tied", "storage",
            "min", "max", "mean", "std", "zeros", "nan", "inf", "hist_low", "hist_width", "hist");
    private static final String TEMPLATE = "report.html";
    private static final String MARKER = "/*TORCH4J_DATA*/";

    /** What the page says about the file itself. */
    record Facts(String path, String name, long size, String sha256, String version, String generated) {
        static Facts of(Path file, String version) throws IOException {
            return new Facts(file.toString(), String.valueOf(file.getFileName()), Files.size(file), sha256(file), version,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        }

        private static String sha256(Path file) throws IOException {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            byte[] buf = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        }
    }

    private final Facts facts;
    private final Inspection inspection;
    private final Map<String, Tensor> tensors;
    private final ScanResult scan;
    private final Map<String, TensorStats> stats;
    private final boolean statsComputed;
    private final List<Warning> warnings;
    private final DiffResult diff;
    private final String compareLabel;

    ReportPage(Facts facts, Inspection inspection, Map<String, Tensor> tensors, ScanResult scan,
               Map<String, TensorStats> stats, boolean statsComputed, List<Warning> warnings, DiffResult diff, String compareLabel) {
        this.facts = facts;
        this.inspection = inspection;
        this.tensors = tensors;
        this.scan = scan;
        this.stats = stats;
        this.statsComputed = statsComputed;
        this.warnings = warnings;
        this.diff = diff;
        this.compareLabel = compareLabel;
    }

    int tensorCount() { return tensors.size(); }
    int warningCount() { return warnings.size(); }
    String scanVerdict() { return scan.verdict().id(); }
    Boolean diffEqual() { return diff == null ? null : diff.equalWithinTolerance(); }

    /** Writes the page atomically (temporary file, then rename). */
    void write(Path target, boolean overwrite) throws IOException {
        String html = render();
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(target, overwrite, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    String render() throws IOException {
        String template;
        try (InputStream in = ReportPage.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) throw new IllegalStateException("report template missing from the torch4j jar");
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int at = template.indexOf(MARKER);
        StringBuilder sb = new StringBuilder(template.length() + tensors.size() * 400);
        sb.append(template, 0, at);
        int jsonStart = sb.length();
        JsonWriter w = new JsonWriter(sb, false).nonFinite(JsonWriter.NonFinite.NULL);
        writeData(w);
        w.finish();
        // Inside <script>, "</" could end the element early; "<\/" means the same to JSON.parse.
        for (int i = sb.indexOf("</", jsonStart); i >= 0; i = sb.indexOf("</", i + 3)) sb.insert(i + 1, '\\');
        sb.append(template, at + MARKER.length(), template.length());
        return sb.toString();
    }

    private void writeData(JsonWriter w) throws IOException {
        w.beginObject();
        w.name("file").beginObject()
                .name("path").value(facts.path()).name("name").value(facts.name())
                .name("format").value(inspection.format()).name("size").value(facts.size())
                .name("sha256").value(facts.sha256()).name("torch4j").value(facts.version())
                .name("generated").value(facts.generated()).endObject();
        w.name("metadata").beginObject();
        for (Map.Entry<String, Object> e : inspection.metadata().entrySet()) w.name(e.getKey()).value(e.getValue());
        w.endObject();
        w.name("values").beginArray();
        for (ValueWalker.Value v : inspection.values()) w.beginArray().value(v.path()).value(v.type()).value(v.value()).endArray();
        w.endArray();
        w.name("scan").beginObject().name("verdict").value(scanVerdict());
        w.name("findings").beginArray();
        for (Finding f : scan.findings()) {
            w.beginObject().name("entry").value(f.entry()).name("offset").value(f.offset()).name("global").value(f.global())
                    .name("severity").value(f.severity().name().toLowerCase(java.util.Locale.ROOT))
                    .name("chain").value(f.chainText()).name("reason").value(f.reason()).endObject();
        }
        w.endArray();
        w.name("error").value(scan.error());
        w.name("errorKind").value(scan.errorKind() == null ? null : scan.errorKind().id());
        w.endObject();
        w.name("totals").beginObject().name("tensors").value(inspection.totals().count())
                .name("parameters").value(inspection.totals().parameters()).name("bytes").value(inspection.totals().bytes()).endObject();
        w.name("stats").value(statsComputed);
        w.name("warnings").beginArray();
        for (Warning x : warnings) w.beginObject().name("kind").value(x.kind()).name("paths").value(x.paths()).name("message").value(x.message()).endObject();
        w.endArray();
        w.name("columns").value(COLUMNS);
        w.name("tensors").beginArray();
        writeRows(w);
        w.endArray();
        if (diff != null) {
            w.name("diff");
            DiffOutput.writeJson(diff, facts.path(), compareLabel, w);
        }
        w.endObject();
    }

    /**
     * One array per tensor. {@code tied}: the first path with the same view of the same storage (tied
     * weights, counted once in totals); {@code storage}: the storage key when other tensors view the
     * same storage differently; statistics null where not computed.
     */
    private void writeRows(JsonWriter w) throws IOException {
        Map<String, String> firstOfView = new HashMap<>();
        Map<Storage, Integer> storageIds = new IdentityHashMap<>();
        Map<Storage, Integer> viewsPerStorage = new IdentityHashMap<>();
        Map<String, String> viewKey = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            String view = storageIds.computeIfAbsent(t.storage(), s -> storageIds.size()) + "/" + t.storageOffset() + "/"
                    + t.dtype() + "/" + Arrays.toString(t.shape()) + "/" + Arrays.toString(t.stride());
            viewKey.put(e.getKey(), view);
            if (firstOfView.putIfAbsent(view, e.getKey()) == null) viewsPerStorage.merge(t.storage(), 1, Integer::sum);
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String path = e.getKey();
            Tensor t = e.getValue();
            w.beginArray();
            w.value(path).value(t.dtype().pythonName()).value(t.shape()).value(t.numel()).value(t.byteSize()).value(t.device());
            String first = firstOfView.get(viewKey.get(path));
            if (first.equals(path)) w.nullValue(); else w.value(first);
            if (viewsPerStorage.getOrDefault(t.storage(), 0) > 1) w.value(t.storage().key()); else w.nullValue();
            TensorStats s = stats.get(path);
            if (s == null) {
                for (int i = 0; i < 10; i++) w.nullValue();
            } else {
                w.value(s.min()).value(s.max()).value(s.mean()).value(s.std()).value(s.zeros()).value(s.nan()).value(s.posInf() + s.negInf());
                PowerOfTwoHistogram h = s.histogram();
                if (h.isEmpty()) {
                    w.nullValue().nullValue().nullValue();
                } else {
                    w.value(h.low()).value(h.width()).value(h.counts());
                }
            }
            w.endArray();
        }
    }
}
