package dev.torch4j.bench;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.tensor.Tensor;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Open a file and index its tensors (names, dtypes, shapes, storage offsets) without touching
 * tensor data. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per open.
 */
@State(Scope.Benchmark)
public class OpenIndexBench extends FileBenchSettings {
    @Param({"large", "many", "legacy", "pickle", "safetensors"})
    public String workload;

    private Path file;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        file = Workloads.file(workload);
    }

    @Benchmark
    public void openIndex(Blackhole bh) throws IOException {
        try (Checkpoint c = Torch.open(file)) {
            Map<String, Tensor> tensors = c.tensors();
            for (Tensor t : tensors.values()) bh.consume(t.shape());
            bh.consume(tensors.size());
        }
    }
}
