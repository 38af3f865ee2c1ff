package dev.torch4j.pt2;

import dev.torch4j.zip.ZipArchive;

import java.util.ArrayList;
import java.util.List;

/**
 * Where things are in one {@code .pt2}. Two families:
 * <ul>
 *   <li>{@link Kind#EXPORT_ZIP}, torch.export.save of 2.1 to 2.5: a plain zip with
 *       {@code serialized_exported_program.json}, {@code serialized_state_dict.pt},
 *       {@code serialized_constants.pt} (2.2+), {@code serialized_example_inputs.pt} (2.3+) and a
 *       {@code version} record;</li>
 *   <li>{@link Kind#PACKAGE}, the PT2 archive of 2.6 on ({@code archive_format} = {@code pt2}), under a
 *       root folder: {@code models/<name>.json} per model, weights and constants under {@code data/}
 *       as one torch.save per model (2.6-2.7) or per tensor with a JSON config (2.8 on).</li>
 * </ul>
 */
record Pt2Layout(Kind kind, String root, List<String> models) {
    enum Kind { EXPORT_ZIP, PACKAGE }

    static final String EXPORT_PROGRAM = "serialized_exported_program.json";

    /** The layout of {@code zip}, or null when it is no torch.export archive. */
    static Pt2Layout of(ZipArchive zip) {
        String packageRoot = shortestRoot(zip, "archive_format");
        String exportRoot = shortestRoot(zip, EXPORT_PROGRAM);
        if (packageRoot != null) {
            List<String> models = new ArrayList<>();
            String prefix = packageRoot + "models/";
            for (String name : zip.names()) {
                if (name.startsWith(prefix) && name.endsWith(".json") && name.indexOf('/', prefix.length()) < 0) {
                    models.add(name.substring(prefix.length(), name.length() - ".json".length()));
                }
            }
            return new Pt2Layout(Kind.PACKAGE, packageRoot, List.copyOf(models));
        }
        if (exportRoot != null) return new Pt2Layout(Kind.EXPORT_ZIP, exportRoot, List.of("model"));
        return null;
    }

    /**
     * The shortest folder at most one level deep that holds {@code record} (the first in name order
     * among equally short ones), or null. Looked up in each folder the archive has (a few), not by a
     * pass over every name (one per tensor); two equally short candidates are settled by that pass.
     */
    static String shortestRoot(ZipArchive zip, String record) {
        if (zip.nameSet().contains(record)) return "";
        String found = null;
        for (String folder : zip.folders()) {
            if (folder.indexOf('/') != folder.length() - 1 || !zip.nameSet().contains(folder + record)) continue;
            if (found != null && found.length() == folder.length()) return shortestRootByScan(zip, record);
            if (found == null || folder.length() < found.length()) found = folder;
        }
        return found;
    }

    /** {@link #shortestRoot} by a pass over every name in order (also the tests' reference for the lookups). */
    static String shortestRootByScan(ZipArchive zip, String record) {
        String best = null;
        for (String name : zip.nameSet()) {
            String root = rootOf(name, record);
            if (root != null && (best == null || root.length() < best.length())) best = root;
        }
        return best;
    }

    /** The folder (with its slash, or "") holding {@code record} at most one level deep, or null. */
    private static String rootOf(String name, String record) {
        if (!name.endsWith(record)) return null;
        String root = name.substring(0, name.length() - record.length());
        if (root.isEmpty()) return "";
        if (!root.endsWith("/")) return null;
        return root.indexOf('/') == root.length() - 1 ? root : null;
    }

    String programEntry(String model) {
        return kind == Kind.EXPORT_ZIP ? root + EXPORT_PROGRAM : root + "models/" + model + ".json";
    }

    String weightsDir() { return root + "data/weights/"; }

    String constantsDir() { return root + "data/constants/"; }

    String aotInductorDir() { return root + "data/aotinductor/"; }
}
