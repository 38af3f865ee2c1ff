package dev.torch4j;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one exception for input torch4j cannot read: truncated, corrupted, hostile or unsupported.
 * It always says where: the file, the entry inside an archive (if any) and the byte offset
 * (within that entry, or within the file when there is no entry; -1 when not known).
 * Its {@link #kind()} says what went wrong as a value ({@link ErrorKind}). The static factories
 * ({@link #truncated}, {@link #limit}, {@link #corrupted}, {@link #unsupported}) word the common
 * cases the same way everywhere and set the kind.
 */
public class TorchFileException extends IOException implements Torch4jFailure {
    @java.io.Serial private static final long serialVersionUID = 1L;
    private final String file;
    private final String entry;
    private final long offset;
    private final String reason;
    private final ErrorKind kind;

    /** A {@link ErrorKind#CORRUPT} failure: the bytes are not what the format requires at that place. */
    public TorchFileException(String file, String entry, long offset, String reason) {
        this(ErrorKind.CORRUPT, file, entry, offset, reason, null);
    }

    /** A {@link ErrorKind#CORRUPT} failure with its cause. */
    public TorchFileException(String file, String entry, long offset, String reason, Throwable cause) {
        this(ErrorKind.CORRUPT, file, entry, offset, reason, cause);
    }

    public TorchFileException(ErrorKind kind, String file, String entry, long offset, String reason) {
        this(kind, file, entry, offset, reason, null);
    }

    public TorchFileException(ErrorKind kind, String file, String entry, long offset, String reason, Throwable cause) {
        super(describe(file, entry, offset, reason), cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
        this.file = file;
        this.entry = entry;
        this.offset = offset;
        this.reason = reason;
    }

    public static TorchFileException at(Path file, String entry, long offset, String reason) {
        return new TorchFileException(file == null ? null : file.toString(), entry, offset, reason);
    }

    /** Well-formed input using something torch4j does not read ({@link ErrorKind#UNSUPPORTED}). */
    public static TorchFileException unsupported(String file, String entry, long offset, String reason) {
        return new TorchFileException(ErrorKind.UNSUPPORTED, file, entry, offset, reason);
    }

    /** The operating system failed reading the input ({@link ErrorKind#IO}). */
    public static TorchFileException io(String file, String entry, long offset, String reason, Throwable cause) {
        return new TorchFileException(ErrorKind.IO, file, entry, offset, reason, cause);
    }

    /**
     * The input ends before a structure it announces: {@code what} (a record, a length-prefixed
     * string...) needs {@code needed} bytes at {@code offset} but the file or entry ends sooner.
     */
    public static TorchFileException truncated(String file, String entry, long offset, String what, long needed) {
        return new TorchFileException(ErrorKind.TRUNCATED, file, entry, offset,
                "truncated: " + what + " needs " + needed + " bytes, but the " + (entry == null ? "file" : "entry") + " ends first");
    }

    /**
     * A length or count in the file is above a limit torch4j keeps (against hostile input that
     * would exhaust memory); the message names the setting that raises it.
     */
    public static TorchFileException limit(String file, String entry, long offset, String what, long value,
                                           long max, String setting) {
        return new TorchFileException(ErrorKind.LIMIT, file, entry, offset,
                what + " " + value + " is above the limit " + max + " (raise it with " + setting + ")");
    }

    /** The bytes are not what the format requires at that place. */
    public static TorchFileException corrupted(String file, String entry, long offset, String reason) {
        return new TorchFileException(ErrorKind.CORRUPT, file, entry, offset, "corrupted: " + reason);
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
    @Override public ErrorKind kind() { return kind; }
}
