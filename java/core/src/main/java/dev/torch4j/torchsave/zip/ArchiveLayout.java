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
        String best = null;
        int bestDepth = Integer.MAX_VALUE;
        for (String name : zip.names()) {
            int slash = name.lastIndexOf('/');
            String base = ZipArchive.fold(name.substring(slash + 1)); // libtorch matches records case-insensitively
            if (!ROOT_RECORDS.contains(base)) continue;
            String prefix = name.substring(0, slash + 1);
            int depth = (int) prefix.chars().filter(c -> c == '/').count();
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
}
