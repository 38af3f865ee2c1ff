package dev.torch4j.bench;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.safetensors.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a workload: {@link Torch#open} for everything it reads; safetensors through
 * {@link SafetensorsFile} while {@code Torch.open} does not route that format yet. Decided once
 * per trial so no failed attempt is timed.
 */
@FunctionalInterface
interface Opener {
    Checkpoint open(Path file) throws IOException;

    static Opener forFile(Path file) throws IOException {
        try (Checkpoint c = Torch.open(file)) {
            return Torch::open;
        } catch (TorchFileException e) {
            if (!file.toString().endsWith(".safetensors")) throw e;
            SafetensorsFile.open(file).close();
            return SafetensorsFile::open;
        }
    }
}
