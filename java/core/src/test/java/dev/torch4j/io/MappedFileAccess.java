package dev.torch4j.io;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in other packages map with small chunks, to put chunk boundaries inside their data. */
public final class MappedFileAccess {
    private MappedFileAccess() {}

    public static MappedFile open(Path path, int chunkSize) throws IOException {
        return MappedFile.open(path, chunkSize);
    }
}
