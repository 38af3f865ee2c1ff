package dev.torch4j.format;

import dev.torch4j.testing.SharedFolder;

import java.nio.file.Path;

/** Locates the shared real-world corpus: {@code ../shared/corpus} next to the repository root. */
final class CorpusFiles {
    private CorpusFiles() {}

    /** The corpus folder; skips the calling test where this checkout has none beside it (fails it under CI). */
    static Path corpus() {
        return SharedFolder.requireCorpus();
    }
}
