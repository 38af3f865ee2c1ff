package dev.torch4j.pickle;

import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

/**
 * The safe pickle virtual machine: one tight opcode loop over protocols 0 to 5 that builds Java
 * values (Map, List, {@link PyTuple}, String, Long/BigInteger, Double, Boolean, byte[], null, Set)
 * and runs only the callables a {@link GlobalResolver} supplies. Unknown globals become inert
 * {@link PyObject} placeholders; dangerous ones throw {@link dev.torch4j.UnsafePickleException}
 * unless {@link Config#allowUnsafeGlobals()}.
 */
public final class PickleMachine {
    /** What the machine needs besides the bytes. {@code file}/{@code entry} label error messages. */
    public record Config(String file, String entry, GlobalResolver resolver, PersistentLoader persistentLoader,
                         boolean allowUnsafeGlobals, PickleLimits limits) {
    }

    private final ByteRegion input;
    private final Config config;
    private long position;

    /** Reads one pickle starting at {@code start} in {@code input}. */
    public PickleMachine(ByteRegion input, long start, Config config) {
        this.input = input;
        this.position = start;
        this.config = config;
    }

    /** Runs until STOP and returns the result. */
    public Object load() throws TorchFileException {
        throw new UnsupportedOperationException("TODO");
    }

    /** The offset just past the STOP opcode, after {@link #load()} (legacy files hold several pickles in a row). */
    public long position() { return position; }
}
