package dev.torch4j.pickle;

import dev.torch4j.ErrorKind;

/**
 * Builds the exception for a problem a shared helper (text arguments, UTF-8, the memo, key hashing)
 * finds in the bytes, so the helper throws what its caller needs: the opcode loops pass their
 * {@link PickleInput}, which makes a {@link dev.torch4j.TorchFileException} naming file, entry,
 * opcode and offset; callables pass {@link #ARGUMENT}, following {@link PyCallable}'s contract.
 */
@FunctionalInterface
interface Refusal<E extends Exception> {
    E refuse(ErrorKind kind, String reason);

    /** For callables: an {@link IllegalArgumentException}, which the machine reports at the calling opcode. */
    Refusal<IllegalArgumentException> ARGUMENT = new ArgumentRefusal();

    /**
     * {@link #ARGUMENT}'s class. A class, not a lambda: a short command's first lambda initialises
     * java.lang.invoke (several ms of a 0.2 s inspect); see docs/building.md.
     */
    final class ArgumentRefusal implements Refusal<IllegalArgumentException> {
        private ArgumentRefusal() {}

        @Override public IllegalArgumentException refuse(ErrorKind kind, String reason) {
            return new IllegalArgumentException(reason);
        }
    }
}
