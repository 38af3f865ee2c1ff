package dev.torch4j.bench;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.safetensors.SafetensorsWriter;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.torchsave.zip.TorchSaver;
import org.openjdk.jmh.annotations.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writing the {@code large} content (tensors mapped from {@code large.pt}, page cache warm):
 * <ul>
 *   <li>{@code torchSave}: {@code TorchSaver.save} (zip, CRCs, temp file, fsync, rename);</li>
 *   <li>{@code convertToSafetensors}: open {@code large.pt} + {@code SafetensorsWriter.save};</li>
 *   <li>{@code rawWrite}: the baseline, the same tensor bytes in one sequential
 *       {@code FileChannel.write} pass then {@code force(true)}, the durability the writers give.</li>
 * </ul>
 * Outputs go next to the workloads (same file system), replaced each invocation.
 */
@Warmup(iterations = 2, time = 2)
@State(Scope.Benchmark)
public class SaveBench extends FileBenchSettings {
    private Path source;
    private Checkpoint checkpoint;
    private Map<String, Tensor> tensors;
    private Path out;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        source = Workloads.file("large");
        checkpoint = Torch.open(source);
        tensors = checkpoint.stateDict();
        out = Workloads.dir().resolve("out");
        Files.createDirectories(out);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        checkpoint.close();
        for (String f : new String[] {"saved.pt", "converted.safetensors", "raw.bin"}) Files.deleteIfExists(out.resolve(f));
    }

    @Benchmark
    public long torchSave() throws IOException {
        Path target = out.resolve("saved.pt");
        TorchSaver.save(tensors, target);
        return Files.size(target);
    }

    @Benchmark
    public long convertToSafetensors() throws IOException {
        Path target = out.resolve("converted.safetensors");
        try (Checkpoint c = Torch.open(source)) {
            return SafetensorsWriter.save(c.stateDict(), target).bytesWritten();
        }
    }

    @Benchmark
    public long rawWrite() throws IOException {
        Path target = out.resolve("raw.bin");
        long written = 0;
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Tensor t : tensors.values()) {
                ByteBuffer b = t.asByteBuffer();
                while (b.hasRemaining()) written += ch.write(b);
            }
            ch.force(true);
        }
        return written;
    }
}
