package dev.torch4j.pt2;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.json.Json;
import dev.torch4j.json.JsonException;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.zip.ZipArchive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point for torch.export archives ({@code .pt2}): {@link #isPt2} tells one from other
 * zips, {@link #read} gives the same {@link LoadedFile} every reader gives (root: a dict of the
 * weights and constants by state-dict name; metadata: versions, graph signature, operator
 * histogram), {@link #scanPlan} says which entries a loader would unpickle or run.
 */
public final class Pt2Archive {
    /** Model JSON larger than this is refused (a graph of a million nodes is ~500 MB; real ones are far smaller). */
    static final int MAX_JSON_BYTES = 512 << 20;

    private Pt2Archive() {}

    public static boolean isPt2(ZipArchive zip) {
        return Pt2Layout.of(zip) != null;
    }

    public static LoadedFile read(ReadContext ctx, ZipArchive zip) throws TorchFileException {
        Pt2Layout layout = Pt2Layout.of(zip);
        if (layout == null) throw new TorchFileException(zip.file(), null, -1, "not a torch.export archive");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", Format.PT2.id());
        meta.put("archive.root", layout.root().isEmpty() ? "" : layout.root().substring(0, layout.root().length() - 1));
        if (layout.kind() == Pt2Layout.Kind.EXPORT_ZIP) {
            meta.put("pt2.layout", "torch.export.save zip (PyTorch 2.1-2.5)");
            String version = text(zip, layout.root() + "version");
            if (version != null) meta.put("pt2.serialized_version", version);
        } else {
            meta.put("pt2.layout", "PT2 archive (PyTorch 2.6+)");
            String archiveVersion = text(zip, layout.root() + "archive_version");
            meta.put("pt2.archive_version", archiveVersion == null ? 0L : parseLongOr(archiveVersion));
            meta.put("pt2.models", layout.models());
        }
        if (layout.models().isEmpty()) {
            throw new TorchFileException(zip.file(), layout.root() + "models/", -1, "PT2 archive without a model "
                    + "(no models/<name>.json): AOTInductor-only packages hold no exported program");
        }
        Payloads payloads = new Payloads(ctx, zip);
        Map<Object, Object> root = new LinkedHashMap<>();
        boolean several = layout.models().size() > 1;
        for (String model : layout.models()) {
            String keyPrefix = several ? model + "." : "";
            String metaPrefix = several ? "pt2." + model + "." : "pt2.";
            describe(zip, layout.programEntry(model), metaPrefix, meta);
            List<String> objects = new ArrayList<>();
            if (layout.kind() == Pt2Layout.Kind.EXPORT_ZIP) {
                putAll(root, payloads.torchSave(layout.root() + "serialized_state_dict.pt"), keyPrefix, zip,
                        layout.root() + "serialized_state_dict.pt");
                if (zip.contains(layout.root() + "serialized_constants.pt")) {
                    putAll(root, payloads.torchSave(layout.root() + "serialized_constants.pt"), keyPrefix, zip,
                            layout.root() + "serialized_constants.pt");
                }
            } else {
                loadPayloads(zip, payloads, layout.weightsDir(), model, "weights", root, keyPrefix, objects);
                loadPayloads(zip, payloads, layout.constantsDir(), model, "constants", root, keyPrefix, objects);
            }
            if (!objects.isEmpty()) meta.put(metaPrefix + "custom_object_payloads", objects);
        }
        List<String> aoti = under(zip, layout.aotInductorDir());
        if (!aoti.isEmpty()) meta.put("pt2.aotinductor_files", aoti);
        List<String> samples = new ArrayList<>(under(zip, layout.root() + "data/sample_inputs/"));
        if (zip.contains(layout.root() + "serialized_example_inputs.pt")) samples.add("serialized_example_inputs.pt");
        if (!samples.isEmpty()) meta.put("pt2.sample_inputs", samples);
        List<String> extra = new ArrayList<>(under(zip, layout.root() + "extra/"));
        extra.addAll(under(zip, layout.root() + "extra_files/"));
        if (!extra.isEmpty()) meta.put("pt2.extra_files", extra);
        return new LoadedFile(Format.PT2, root, meta, null);
    }

    /** Which entries a loader would unpickle or run, for the scanner; null when {@code zip} is no .pt2. */
    public static Pt2ScanPlan scanPlan(ZipArchive zip) throws TorchFileException {
        Pt2Layout layout = Pt2Layout.of(zip);
        return layout == null ? null : Pt2ScanPlan.of(zip, layout);
    }

    /** 2.6-2.7: one torch.save of the whole dict; 2.8 on: a payload config and a file per tensor. */
    private static void loadPayloads(ZipArchive zip, Payloads payloads, String dir, String model, String kind,
                                     Map<Object, Object> root, String keyPrefix, List<String> objects) throws TorchFileException {
        String whole = dir + model + ".pt";
        String config = dir + model + "_" + kind + "_config.json";
        if (zip.contains(config)) {
            payloads.config(config, dir, root, keyPrefix, objects);
        } else if (zip.contains(whole)) {
            putAll(root, payloads.torchSave(whole), keyPrefix, zip, whole);
        }
    }

    private static void putAll(Map<Object, Object> root, Object dict, String keyPrefix, ZipArchive zip, String entry)
            throws TorchFileException {
        if (!(dict instanceof Map<?, ?> m)) {
            throw new TorchFileException(zip.file(), entry, -1, "holds " + dev.torch4j.read.PyValues.describe(dict)
                    + ", not a dict of tensors");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) root.put(keyPrefix + e.getKey(), e.getValue());
    }

    private static void describe(ZipArchive zip, String entry, String p, Map<String, Object> meta) throws TorchFileException {
        ProgramSummary s;
        try {
            s = ProgramSummary.parse(json(zip, entry));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new TorchFileException(zip.file(), entry, -1, "bad exported program: " + e.getMessage());
        }
        if (s.schemaVersion() != null) meta.put(p + "schema_version", s.schemaVersion());
        if (s.torchVersion() != null) meta.put(p + "torch_version", s.torchVersion());
        if (!s.opsets().isEmpty()) meta.put(p + "opset_version", s.opsets());
        meta.put(p + "inputs", s.inputs());
        meta.put(p + "outputs", s.outputs());
        meta.put(p + "parameters", s.parameters());
        meta.put(p + "buffers", s.buffers());
        meta.put(p + "constants", s.constants());
        if (!s.customObjects().isEmpty()) meta.put(p + "custom_objects", s.customObjects());
        meta.put(p + "nodes", s.nodes());
        meta.put(p + "operators", s.operators());
    }

    static Object json(ZipArchive zip, String entry) throws TorchFileException {
        ByteRegion r = zip.read(entry);
        if (r.size() > MAX_JSON_BYTES) throw new TorchFileException(zip.file(), entry, 0, "JSON of " + r.size() + " bytes (limit " + MAX_JSON_BYTES + ")");
        byte[] b = new byte[(int) r.size()];
        r.copyTo(0, b, 0, b.length);
        try {
            String text = pythonFloatsAsNull(new String(b, StandardCharsets.UTF_8));
            return Json.parse(text, new dev.torch4j.json.JsonLimits(512, MAX_JSON_BYTES, 50_000_000, 50_000_000));
        } catch (JsonException e) {
            throw new TorchFileException(zip.file(), entry, e.getMessage().isEmpty() ? 0 : -1, "bad JSON: " + e.getMessage());
        }
    }

    /**
     * Python's json.dumps writes {@code NaN}, {@code Infinity} and {@code -Infinity} for such floats
     * (a {@code -inf} attention-mask fill in a node argument), which strict JSON lacks. Outside
     * strings they become {@code null}: torch4j reads no float constant of the graph.
     */
    static String pythonFloatsAsNull(String text) {
        if (!text.contains("NaN") && !text.contains("Infinity")) return text;
        StringBuilder out = new StringBuilder(text.length());
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < text.length()) out.append(text.charAt(++i));
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') {
                inString = true;
                out.append(c);
            } else if (text.startsWith("NaN", i)) {
                out.append("null");
                i += 2;
            } else if (text.startsWith("Infinity", i)) {
                out.append("null");
                i += 7;
            } else if (text.startsWith("-Infinity", i)) {
                out.append("null");
                i += 8;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String text(ZipArchive zip, String entry) throws TorchFileException {
        return zip.contains(entry) ? zip.readText(entry, 4096) : null;
    }

    private static List<String> under(ZipArchive zip, String dir) {
        List<String> out = new ArrayList<>();
        for (String n : zip.names()) {
            if (n.startsWith(dir) && !n.endsWith("/")) out.add(n.substring(dir.length()));
        }
        return out;
    }

    private static Object parseLongOr(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return s;
        }
    }
}
