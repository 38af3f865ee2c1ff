package dev.torch4j.spi;

/**
 * An optional native backend (libtorch, the torch4j native library) is needed and does not load
 * here; nothing was attempted or written. Commands end with {@link ExitCodes#BACKEND_MISSING}.
 * The message says what is missing and how to add it.
 */
public class BackendUnavailableException extends IllegalStateException implements dev.torch4j.Torch4jFailure {
    private static final long serialVersionUID = 1L;

    /** Always {@link dev.torch4j.ErrorKind#BACKEND_UNAVAILABLE}. */
    @Override public dev.torch4j.ErrorKind kind() { return dev.torch4j.ErrorKind.BACKEND_UNAVAILABLE; }

    /**
     * @param message what is missing and how to add it
     */
    public BackendUnavailableException(String message) {
        super(message);
    }
}
