/**
 * Opening PyTorch files: {@link dev.torch4j.Torch} detects the format by content and returns a {@link dev.torch4j.Checkpoint}; errors are {@link dev.torch4j.TorchFileException} naming file, entry and byte offset.
 */
package dev.torch4j;
