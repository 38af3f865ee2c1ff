package dev.torch4j.python;

/** An object that takes the pickle BUILD opcode's state (like Python's {@code __setstate__}). */
public interface PyStateful {
    void setState(Object state);
}
