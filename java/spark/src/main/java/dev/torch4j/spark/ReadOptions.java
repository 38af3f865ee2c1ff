package dev.torch4j.spark;

import org.apache.spark.sql.util.CaseInsensitiveStringMap;

import java.io.Serializable;
import java.util.Locale;

/**
 * The {@code torch4j} source's options: {@code mode} ({@code tensors}, the default, or {@code files}),
 * {@code hash} (sha256 of every tensor's row-major little-endian bytes, as PyTorch's view; off by
 * default because it reads all tensor data), {@code maxFileBytes}, {@code maxReadBytes} and
 * {@code fileTimeoutSeconds} (the per-file budget), {@code splitBytes} (with {@code hash}, a file
 * larger than this is read by several tasks, each hashing a run of its tensors).
 */
record ReadOptions(Mode mode, boolean hash, Budget budget, long splitBytes) implements Serializable {
    enum Mode { TENSORS, FILES }

    static final long DEFAULT_SPLIT_BYTES = 256L << 20;

    static ReadOptions from(CaseInsensitiveStringMap options) {
        String mode = options.getOrDefault("mode", "tensors").toLowerCase(Locale.ROOT);
        Mode m = switch (mode) {
            case "tensors" -> Mode.TENSORS;
            case "files" -> Mode.FILES;
            default -> throw new IllegalArgumentException("option mode: expected tensors or files, got " + mode);
        };
        long maxFile = options.getLong("maxFileBytes", Budget.DEFAULT_MAX_FILE_BYTES);
        long maxRead = options.getLong("maxReadBytes", maxFile * 2);
        long timeout = options.getLong("fileTimeoutSeconds", Budget.DEFAULT_TIMEOUT_MILLIS / 1000) * 1000;
        long split = options.getLong("splitBytes", DEFAULT_SPLIT_BYTES);
        if (maxFile <= 0 || maxRead <= 0 || timeout <= 0 || split <= 0) {
            throw new IllegalArgumentException("options maxFileBytes, maxReadBytes, fileTimeoutSeconds and splitBytes must be positive");
        }
        return new ReadOptions(m, options.getBoolean("hash", false), Budget.of(maxFile, maxRead, timeout), split);
    }
}
