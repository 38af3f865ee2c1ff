package dev.torch4j.json;

import java.io.IOException;

/** Malformed or over-limit JSON, with the character offset where reading stopped. */
public final class JsonException extends IOException {
    @java.io.Serial private static final long serialVersionUID = 1L;
    private final long offset;
    private final String reason;

    public JsonException(long offset, String reason) {
        super(reason + " at offset " + offset);
        this.offset = offset;
        this.reason = reason;
    }

    /** Index of the offending character in the input (a byte offset too when the input is ASCII). */
    public long offset() { return offset; }

    /** The problem, without the position. */
    public String reason() { return reason; }
}
