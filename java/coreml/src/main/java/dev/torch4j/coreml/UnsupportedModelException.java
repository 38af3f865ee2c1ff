package dev.torch4j.coreml;

/** The model (or one op's arguments) cannot be written as a correct Core ML NeuralNetwork: nothing is written. */
public final class UnsupportedModelException extends Exception implements dev.torch4j.Torch4jFailure {
    @java.io.Serial private static final long serialVersionUID = 1L;

    /** {@link dev.torch4j.ErrorKind#UNSUPPORTED}: the model uses what Core ML's NeuralNetwork cannot express. */
    @Override public dev.torch4j.ErrorKind kind() { return dev.torch4j.ErrorKind.UNSUPPORTED; }

    public UnsupportedModelException(String message) {
        super(message);
    }
}
