package dev.torch4j.libtorch;

/** libtorch's native libraries could not be loaded (missing jar, other platform, broken install). */
public final class LibtorchUnavailableException extends dev.torch4j.spi.BackendUnavailableException {
    @java.io.Serial private static final long serialVersionUID = 1L;
    public LibtorchUnavailableException(String reason) {
        super("libtorch backend unavailable: " + reason);
    }
}
