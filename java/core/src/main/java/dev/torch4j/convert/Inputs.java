package dev.torch4j.convert;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.safetensors.SafetensorsFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens any input by content: safetensors here, every PyTorch format through {@link Torch#open}. */
final class Inputs {
    private Inputs() {}

    static Checkpoint open(Path file) throws IOException {
        return looksLikeSafetensors(file) ? SafetensorsFile.open(file) : Torch.open(file);
    }

    /** An 8-byte little-endian header length that fits the file, followed by '{'. */
    static boolean looksLikeSafetensors(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return false;
        long size = Files.size(file);
        if (size < 10) return false;
        ByteBuffer head = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && ch.read(head) >= 0) { }
        }
        long n = head.getLong(0);
        return head.get(8) == '{' && n > 0 && n <= size - 8;
    }
}
