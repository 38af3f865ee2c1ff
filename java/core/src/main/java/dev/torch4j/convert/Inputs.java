package dev.torch4j.convert;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;

import java.io.IOException;
import java.nio.file.Path;

/** Opens any input by content (every PyTorch format and safetensors) through {@link Torch#open}. */
final class Inputs {
    private Inputs() {}

    static Checkpoint open(Path file) throws IOException {
        return Torch.open(file);
    }
}
