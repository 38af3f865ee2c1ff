package dev.torch4j.executorch;

/** A FlatBuffer that points outside itself or is otherwise malformed, at a byte offset of the buffer. */
final class FlatBufferException extends RuntimeException {
    @java.io.Serial private static final long serialVersionUID = 1L;
    private final long offset;

    FlatBufferException(long offset, String message) {
        super(message, null, false, false);
        this.offset = offset;
    }

    long offset() { return offset; }
}
