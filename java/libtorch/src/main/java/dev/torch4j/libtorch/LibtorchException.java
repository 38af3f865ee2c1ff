package dev.torch4j.libtorch;

/**
 * libtorch refused an operation (a TorchScript error, a shape mismatch in forward...). The message is
 * libtorch's own first lines, without its C++ stack trace.
 */
public class LibtorchException extends RuntimeException implements dev.torch4j.Torch4jFailure {
    @java.io.Serial private static final long serialVersionUID = 1L;

    /** {@link dev.torch4j.ErrorKind#BACKEND_FAILED}: libtorch refused the operation. */
    @Override public dev.torch4j.ErrorKind kind() { return dev.torch4j.ErrorKind.BACKEND_FAILED; }

    public LibtorchException(String message) {
        super(message);
    }

    public LibtorchException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Wraps an exception thrown by a libtorch call, prefixed with what we were doing. */
    static LibtorchException wrap(String doing, RuntimeException e) {
        if (e instanceof LibtorchException le) return le;
        return new LibtorchException(doing + ": " + nativeMessage(e), e);
    }

    /**
     * libtorch's messages end in "Exception raised from ... (most recent call first):" and a C++
     * backtrace; the part before that is what a user needs.
     */
    static String nativeMessage(Throwable e) {
        String m = e.getMessage();
        if (m == null) return e.getClass().getSimpleName();
        int cut = m.indexOf("\nException raised from");
        if (cut < 0) cut = m.indexOf("Exception raised from");
        String head = (cut >= 0 ? m.substring(0, cut) : m).strip();
        // TorchScript errors keep the interpreter's traceback: it is useful, but bound its size.
        return head.length() > 4000 ? head.substring(0, 4000) + " ..." : head;
    }
}
