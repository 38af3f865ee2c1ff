package dev.torch4j.scan;

/** How a global (or other finding) is used by the pickle or script that holds it. */
public enum Use {
    /** Called: REDUCE, OBJ, INST, or through functools.partial / copyreg. */
    CALLED("called"),
    /** Instantiated without calling its constructor: NEWOBJ, NEWOBJ_EX, copyreg._reconstructor, then BUILD. */
    INSTANTIATED("instantiated"),
    /** Given as an argument to a call or constructor, or wrapped by functools.partial: may be called later. */
    HANDED("handed to a callable"),
    /** An attribute is looked up on it (getattr), or it is the target of BUILD. */
    ATTRIBUTE("attribute lookup"),
    /** Only referenced as a value. */
    REFERENCED("referenced"),
    /** Its argument is unpickled or loaded (a nested payload). */
    LOADS("loads a payload"),
    /** An operator called by TorchScript code or by a mobile bytecode operator list. */
    SCRIPT_OP("script operator"),
    /** The archive itself: entries PyTorch would read differently from this scan. */
    ARCHIVE("archive structure");

    private final String label;

    Use(String label) { this.label = label; }

    /** Lower-case words, as printed. */
    public String label() { return label; }
}
