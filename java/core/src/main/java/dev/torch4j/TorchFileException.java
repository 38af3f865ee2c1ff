package dev.torch4j;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one exception for input torch4j cannot read: truncated, corrupted, hostile or unsupported.
 * It always says where: the file, the entry inside an archive (if any) and the byte offset
 * (within that entry, or within the file when there is no entry; -1 when not known).
 */
public class TorchFileException extends IOException {
    private final String file;
    private final String entry;
    private final long offset;
    private final String reason;

    public TorchFileException(String file, String entry, long offset, String reason) {
        this(file, entry, offset, reason, null);
    }

    public TorchFileException(String file, String entry, long offset, String reason, Throwable cause) {
        super(describe(file, entry, offset, reason), cause);
        this.file = file;
        this.entry = entry;
        this.offset = offset;
        this.reason = reason;
    }

    public static TorchFileException at(Path file, String entry, long offset, String reason) {
        return new TorchFileException(file == null ? null : file.toString(), entry, offset, reason);
    }

    private static String describe(String file, String entry, long offset, String reason) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<input>" : file);
        if (entry != null) sb.append(" [entry ").append(entry).append(']');
        if (offset >= 0) sb.append(" at byte ").append(offset);
        sb.append(": ").append(reason);
        return sb.toString();
    }

    public String file() { return file; }
    public String entry() { return entry; }
    public long offset() { return offset; }
    public String reason() { return reason; }
}
