package dev.torch4j.convert;

/**
 * The source holds values that the output format cannot represent (a whole pickled module, an
 * optimizer...): converting only its state dict ({@link ConvertOptions#stateDict()}) would succeed.
 */
public final class NotJustTensorsException extends IllegalArgumentException {
    @java.io.Serial private static final long serialVersionUID = 1L;

    NotJustTensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
