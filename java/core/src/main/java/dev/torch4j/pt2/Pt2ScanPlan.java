package dev.torch4j.pt2;

import dev.torch4j.TorchFileException;
import dev.torch4j.zip.ZipArchive;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a {@code .pt2} loader treats each entry, so a scan looks at exactly what would be unpickled
 * or run: torch.save payloads (state dicts, per-tensor weights, sample inputs), pickled custom and
 * opaque objects, and the AOTInductor shared libraries that {@code aoti_load_package} loads.
 * Raw weight bytes, JSON and text are data.
 */
public final class Pt2ScanPlan {
    public enum EntryKind {
        /** A pickle or torch.save archive a loader unpickles: scan it as a file of its own. */
        PAYLOAD,
        /** Compiled code a loader maps into the process (AOTInductor {@code .so}, GPU binaries). */
        NATIVE_CODE,
        /** Raw tensor bytes, JSON, text records: nothing that runs. */
        DATA
    }

    private static final Set<String> NATIVE_SUFFIXES = Set.of(".so", ".dll", ".dylib", ".o", ".a", ".cubin", ".ptx",
            ".hsaco", ".spv", ".fatbin");

    private final Pt2Layout layout;
    private final Set<String> rawFiles;

    private Pt2ScanPlan(Pt2Layout layout, Set<String> rawFiles) {
        this.layout = layout;
        this.rawFiles = rawFiles;
    }

    static Pt2ScanPlan of(ZipArchive zip, Pt2Layout layout) throws TorchFileException {
        Set<String> raw = new HashSet<>();
        for (String name : zip.names()) {
            if (!name.endsWith("_config.json")) continue;
            String dir = name.substring(0, name.lastIndexOf('/') + 1);
            if (!dir.equals(layout.weightsDir()) && !dir.equals(layout.constantsDir())) continue;
            try {
                Map<String, Object> config = JsonTree.object(JsonTree.object(Pt2Archive.json(zip, name), "payload config")
                        .get("config"), "config");
                for (Object v : config.values()) {
                    Map<String, Object> m = JsonTree.object(v, "payload meta");
                    if (!JsonTree.bool(m.get("use_pickle"), false) && m.get("tensor_meta") != null) {
                        raw.add(dir + JsonTree.string(m.get("path_name"), "path_name"));
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new TorchFileException(zip.file(), name, -1, e.getMessage());
            }
        }
        return new Pt2ScanPlan(layout, raw);
    }

    public EntryKind kind(String entry) {
        String lower = entry.toLowerCase(Locale.ROOT);
        if (entry.startsWith(layout.aotInductorDir())) {
            int dot = lower.lastIndexOf('.');
            String suffix = dot < 0 ? "" : lower.substring(dot);
            if (NATIVE_SUFFIXES.contains(suffix)) return EntryKind.NATIVE_CODE;
            return suffix.equals(".pt") || suffix.equals(".pkl") ? EntryKind.PAYLOAD : EntryKind.DATA;
        }
        if (rawFiles.contains(entry)) return EntryKind.DATA;
        if (!entry.startsWith(layout.root())) return EntryKind.DATA;
        String rel = entry.substring(layout.root().length());
        if (lower.endsWith(".json") || rel.startsWith("extra/") || rel.startsWith("extra_files/") || rel.startsWith(".data/")
                || rel.startsWith("models/") || rel.startsWith("data/executorch/") || rel.indexOf('/') < 0 && !rel.endsWith(".pt")) {
            return EntryKind.DATA; // archive_format, archive_version, version, byteorder...
        }
        return EntryKind.PAYLOAD;
    }
}
