package dev.torch4j.format;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the shared real-world corpus: {@code ../shared/corpus} next to the repository root. */
final class CorpusFiles {
    private CorpusFiles() {}

    /** The corpus folder, or null when this checkout has none beside it. */
    static Path corpus() {
        Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("java"))
                    && (Files.exists(d.resolve(".git")) || Files.exists(d.resolve("mvnw")))) {
                Path c = d.resolveSibling("shared").resolve("corpus");
                return Files.isDirectory(c) ? c : null;
            }
        }
        return null;
    }
}
