package dev.torch4j.bench;

import java.io.IOException;
import java.nio.file.Path;

/** Fallback when PyTorch is absent: the workloads written by torch4j's own writer. */
final class WriterWorkloads {
    private WriterWorkloads() {}

    static void generate(Path dir, double scale) throws IOException {
        throw new IOException("PyTorch (/usr/bin/python3 with torch) is not installed and the torch4j writer fallback is not built yet");
    }
}
