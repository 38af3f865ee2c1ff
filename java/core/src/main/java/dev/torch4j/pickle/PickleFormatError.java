package dev.torch4j.pickle;

/**
 * Internal signal for malformed input inside the opcode loop. It carries only the reason; the
 * loop turns it into a {@link dev.torch4j.TorchFileException} naming file, entry, offset and opcode.
 * No stack trace: hostile input may raise many of these and the trace says nothing useful.
 */
public final class PickleFormatError extends RuntimeException {
    @java.io.Serial private static final long serialVersionUID = 1L;
    public PickleFormatError(String reason) {
        super(reason, null, false, false);
    }
}
