package dev.torch4j.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Outputs that are only usable together (a sharded checkpoint: its shards and the index naming them):
 * until {@link #complete()}, every file of the set is removed when the write fails ({@link #close()})
 * or the JVM is stopped (SIGINT, SIGTERM: the shutdown hook of {@link AtomicFile}'s temporaries), so
 * an interrupted conversion leaves no shard behind and its rerun needs no {@code --force}. Each file is
 * itself written atomically; this class only forgets nothing.
 */
public final class OutputSet implements AutoCloseable {
    private final List<Path> files = new ArrayList<>();
    private boolean complete;

    /** An empty set; {@link #add} each file before writing it. */
    public OutputSet() {}

    /** Call before writing {@code file}: from now on an incomplete set removes it. */
    public void add(Path file) {
        Temporaries.register(file.toAbsolutePath());
        files.add(file.toAbsolutePath());
    }

    /** Every file is written: they stay. */
    public void complete() {
        complete = true;
        for (Path f : files) Temporaries.forget(f);
    }

    /** Removes the files of an incomplete set (a failed write); a complete set is left alone. */
    @Override public void close() {
        if (complete) return;
        for (Path f : files) Temporaries.delete(f);
    }
}
