package dev.torch4j.bench;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import org.openjdk.jmh.annotations.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Reading every byte of every tensor (a 64-bit wrapping sum), next to a memcpy baseline of the same
 * byte count between two direct buffers, measured in the same run. Page cache warm: the first
 * warmup iteration reads the whole file.
 * <ul>
 *   <li>{@code loadAndTouch}: open + index + read every byte + close, the end-to-end number
 *       compared with Python's {@code torch.load} plus the same pass;</li>
 *   <li>{@code touchOpened}: the read pass alone over an already opened file (mapping reused);</li>
 *   <li>{@code touchOpenedAllCores}: the same pass split over every core in 8 MiB pieces;</li>
 *   <li>{@code sumDirect}: the read pass over the baseline's direct buffer (diagnostic);</li>
 *   <li>{@code memcpy}: {@code ByteBuffer.put} between two direct buffers of the tensor byte count.</li>
 * </ul>
 */
public class FullReadBench extends FileBenchSettings {
    @State(Scope.Benchmark)
    public static class Opened {
        @Param({"large", "many", "legacy", "pickle", "safetensors"})
        public String workload;
        Path file;
        Checkpoint checkpoint;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            file = Workloads.file(workload);
            checkpoint = Torch.open(file);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            checkpoint.close();
        }
    }

    /** Two direct buffers of the workload's tensor byte count (in 1 GiB pieces beyond that). */
    @State(Scope.Benchmark)
    public static class Buffers {
        static final int PIECE = 1 << 30;
        ByteBuffer[] src;
        ByteBuffer[] dst;

        @Setup(Level.Trial)
        public void setup(Opened opened) {
            long total = Bytes.totalBytes(opened.checkpoint.tensors());
            int pieces = (int) ((total + PIECE - 1) / PIECE);
            src = new ByteBuffer[pieces];
            dst = new ByteBuffer[pieces];
            for (int i = 0; i < pieces; i++) {
                int n = (int) Math.min(PIECE, total - (long) i * PIECE);
                src[i] = ByteBuffer.allocateDirect(n);
                dst[i] = ByteBuffer.allocateDirect(n);
                for (int j = 0; j < n; j += 4096) src[i].put(j, (byte) j);
            }
        }
    }

    @Benchmark
    public long loadAndTouch(Opened opened) throws IOException {
        try (Checkpoint c = Torch.open(opened.file)) {
            return Bytes.sumAll(c.tensors());
        }
    }

    @Benchmark
    public long touchOpened(Opened opened) {
        return Bytes.sumAll(opened.checkpoint.tensors());
    }

    /**
     * The read pass over an opened file on every core (the common fork-join pool and the caller), for
     * the "both cores where the work allows"; the memcpy baseline stays one thread.
     */
    @Benchmark
    public long touchOpenedAllCores(Opened opened) {
        return Bytes.sumAllParallel(opened.checkpoint.tensors());
    }

    /** Diagnostic: the same read pass over anonymous direct memory, to separate the pass's cost from the mapping's. */
    @Benchmark
    public long sumDirect(Buffers b) {
        long s = 0;
        for (ByteBuffer src : b.src) s += Bytes.sum(src.clear());
        return s;
    }

    @Benchmark
    public long memcpy(Buffers b) {
        long check = 0;
        for (int i = 0; i < b.src.length; i++) {
            b.src[i].clear();
            b.dst[i].clear();
            b.dst[i].put(b.src[i]);
            check += b.dst[i].get(b.dst[i].capacity() - 1);
        }
        return check;
    }
}
