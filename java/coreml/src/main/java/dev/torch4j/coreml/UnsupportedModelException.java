package dev.torch4j.coreml;

/** The model (or one op's arguments) cannot be written as a correct Core ML NeuralNetwork: nothing is written. */
public final class UnsupportedModelException extends Exception {
    @java.io.Serial private static final long serialVersionUID = 1L;
    public UnsupportedModelException(String message) {
        super(message);
    }
}
