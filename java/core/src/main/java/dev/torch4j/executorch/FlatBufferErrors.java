package dev.torch4j.executorch;

import dev.torch4j.TorchFileException;

/**
 * One translation of a flatbuffer's structural errors for every flatbuffer format of the package
 * ({@code .pte}/{@code .ptd} and flatbuffer {@code .ptl}): the reader throws unchecked
 * {@link FlatBufferException}s with the byte offset where the structure broke, and callers get a
 * {@link TorchFileException} naming the file and that offset.
 */
final class FlatBufferErrors {
    private FlatBufferErrors() {}

    /** Work over a flatbuffer's bytes. */
    @FunctionalInterface
    interface Body<T> {
        T run();
    }

    /** Runs {@code body}; malformed structure becomes a TorchFileException naming the file and the byte offset. */
    static <T> T guarded(String file, Body<T> body) throws TorchFileException {
        try {
            return body.run();
        } catch (FlatBufferException e) {
            throw new TorchFileException(file, null, e.offset(), e.getMessage());
        } catch (ArithmeticException e) {
            throw new TorchFileException(file, null, -1, "sizes overflow: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new TorchFileException(file, null, -1, e.getMessage());
        }
    }
}
