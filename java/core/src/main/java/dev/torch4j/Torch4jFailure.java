package dev.torch4j;

/**
 * The one base every torch4j failure shares, whatever its Java type: {@link TorchFileException}
 * (input that cannot be read; checked, an {@link java.io.IOException}), the libtorch module's
 * exceptions (unchecked, thrown from inference calls) and the Core ML converter's
 * {@code UnsupportedModelException}. Java cannot give checked and unchecked exceptions one
 * superclass, so the base is this interface:
 * <pre>{@code
 * catch (Exception e) {
 *     if (e instanceof Torch4jFailure f && f.kind() == ErrorKind.TRUNCATED) retryDownload();
 * }
 * }</pre>
 */
public interface Torch4jFailure {
    /** What went wrong, as a value programs can switch on. */
    ErrorKind kind();
}
