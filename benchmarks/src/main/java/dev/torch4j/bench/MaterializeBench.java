package dev.torch4j.bench;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.tensor.Tensor;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;

/**
 * {@code toFloatArray} of every tensor (float32 copied, bfloat16 widened): GB/s counts the tensor
 * bytes read from the file.
 */
@State(Scope.Benchmark)
public class MaterializeBench extends FileBenchSettings {
    @Param({"large", "safetensors"})
    public String workload;
    private Checkpoint checkpoint;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        java.nio.file.Path file = Workloads.file(workload);
        checkpoint = Torch.open(file);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        checkpoint.close();
    }

    @Benchmark
    public void toFloatArray(Blackhole bh) {
        for (Tensor t : checkpoint.tensors().values()) bh.consume(t.toFloatArray());
    }
}
