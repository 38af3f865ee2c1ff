package dev.torch4j.torchsave.zip;

import dev.torch4j.zip.ZipArchive;
import dev.torch4j.TorchFileException;

import java.util.List;

/**
 * Finds the archive's root folder. PyTorch names it after the file ({@code archive},
 * {@code model.scr}, {@code pickle2d&HVIELBO}, or something unrelated), so it is found from where
 * the well-known records live rather than guessed.
 */
final class ArchiveLayout {
    private static final List<String> ROOT_RECORDS = List.of("data.pkl", "bytecode.pkl", "constants.pkl", "model.json");

    private ArchiveLayout() {}

    /** The root prefix including its trailing slash ({@code "archive/"}), or "" for records at the top. */
    static String rootPrefix(ZipArchive zip) throws TorchFileException {
        // The shallowest folder holding a root record, looked up in each folder the archive has (a
        // few), not by a pass over every name (one per tensor); equally deep candidates, or none, are
        // settled by that pass, which also words the error.
        String best = holdsRootRecord(zip, "") ? "" : null;
        if (best != null) return best;
        int bestDepth = Integer.MAX_VALUE;
        for (String folder : zip.folders()) {
            if (!holdsRootRecord(zip, folder)) continue;
            int depth = depth(folder);
            if (depth == bestDepth) return rootPrefixByScan(zip);
            if (depth < bestDepth) {
                best = folder;
                bestDepth = depth;
            }
        }
        return best != null ? best : rootPrefixByScan(zip);
    }

    /** Whether {@code folder} (as stored) directly holds a root record (its name in any letter case, as libtorch matches). */
    private static boolean holdsRootRecord(ZipArchive zip, String folder) {
        for (String record : ROOT_RECORDS) {
            ZipArchive.Entry e = zip.entry(folder + record);
            if (e != null && e.name().length() == folder.length() + record.length() && e.name().startsWith(folder)) return true;
        }
        return false;
    }

    private static int depth(String prefix) {
        int depth = 0; // a loop, not a stream: no pipeline to build in a cold command
        for (int i = 0; i < prefix.length(); i++) {
            if (prefix.charAt(i) == '/') depth++;
        }
        return depth;
    }

    /** {@link #rootPrefix} by a pass over every name in order (also the tests' reference for the lookups). */
    static String rootPrefixByScan(ZipArchive zip) throws TorchFileException {
        String best = null;
        int bestDepth = Integer.MAX_VALUE;
        for (String name : zip.nameSet()) {
            int slash = name.lastIndexOf('/');
            if (!isRootRecord(name, slash + 1)) continue;
            String prefix = name.substring(0, slash + 1);
            int depth = depth(prefix);
            if (depth < bestDepth) {
                best = prefix;
                bestDepth = depth;
            }
        }
        if (best == null) {
            List<String> names = zip.names();
            throw new TorchFileException(zip.file(), null, -1, "zip archive without data.pkl, bytecode.pkl or model.json "
                    + "(not a PyTorch archive); entries: " + (names.size() > 8 ? names.subList(0, 8) + "..." : names));
        }
        return best;
    }

    /**
     * Whether {@code name} from {@code start} on is one of the root records, compared in ASCII lower
     * case as libtorch matches records; no substring per entry (archives hold one entry per tensor).
     */
    private static boolean isRootRecord(String name, int start) {
        for (String record : ROOT_RECORDS) {
            if (name.length() - start != record.length()) continue;
            boolean same = true;
            for (int i = 0; i < record.length() && same; i++) {
                char c = name.charAt(start + i);
                same = (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) == record.charAt(i);
            }
            if (same) return true;
        }
        return false;
    }
}
