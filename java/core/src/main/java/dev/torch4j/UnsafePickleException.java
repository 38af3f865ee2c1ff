package dev.torch4j;

/**
 * A pickle refers to a callable that could execute code (os.system, eval, subprocess...).
 * torch4j never calls it; this exception stops the load unless the caller explicitly asked
 * to load such files inertly ({@link LoadOptions#allowUnsafeGlobals()}).
 */
public class UnsafePickleException extends TorchFileException {
    @java.io.Serial private static final long serialVersionUID = 1L;
    private final String global;

    public UnsafePickleException(String file, String entry, long offset, String global) {
        super(ErrorKind.UNSAFE, file, entry, offset, "dangerous global " + global + " (never executed; refusing to load)");
        this.global = global;
    }

    /** The dangerous global as {@code module.name}. */
    public String global() { return global; }
}
