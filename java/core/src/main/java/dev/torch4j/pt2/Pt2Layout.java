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
        String packageRoot = null;
        String exportRoot = null;
        for (String name : zip.nameSet()) {
            String root = rootOf(name, "archive_format");
            if (root != null && (packageRoot == null || root.length() < packageRoot.length())) packageRoot = root;
            root = rootOf(name, EXPORT_PROGRAM);
            if (root != null && (exportRoot == null || root.length() < exportRoot.length())) exportRoot = root;
        }
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
