package dev.torch4j.bench.infer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One TorchScript call from a Java float[] to a Java float[], the way an application makes it:
 * torch4j's {@code ScriptModel.forward}, DJL 0.36's {@code Predictor.predict} (PyTorch engine,
 * libtorch 2.7.1), and the bare JavaCPP calls (libtorch 2.13, InferenceMode, no torch4j code) as
 * the floor. Each engine runs in its own forked JVM (two libtorch builds cannot share a process).
 *
 * <p>Workloads come from gen_inference_fixtures.py (real PyTorch) in {@code -Dtorch4j.infer.dir}.
 * Outputs are checked against PyTorch's once per fork (1e-5), so a fast wrong answer fails.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class InferenceBench {

    /**
     * A model opened in one engine with its input, checked once against PyTorch's output (1e-5) so
     * that a fast wrong answer fails.
     */
    abstract static class Loaded {
        Engine runner;
        float[] input;
        long[] shape;

        /** Opens {@code model}.pt with the workload's {@code model_xBATCH.npy} and checks {@code model_yBATCH.npy}. */
        final void open(String engine, String model, String batch, int threads, String what) throws Exception {
            Path dir = Path.of(System.getProperty("torch4j.infer.dir", "benchmarks/inference/target/workloads"));
            Npy x = Npy.read(dir.resolve(model + "_x" + batch + ".npy"));
            input = x.data();
            shape = x.shape();
            runner = Engine.open(engine, dir.resolve(model + ".pt"), threads);
            float[] expected = Npy.read(dir.resolve(model + "_y" + batch + ".npy")).data();
            Npy.assertClose(expected, runner.run(input, shape), 1e-5, what);
        }
    }

    @State(Scope.Benchmark)
    public static class Model extends Loaded {
        @Param({"torch4j", "torch4j-runner", "javacpp", "djl"})
        public String engine;

        /** model_batch: the MLP 64-256-256-10 at batch 1; the ResNet-like CNN at batch 1 and 32. */
        @Param({"mlp_1", "cnn_1", "cnn_32"})
        public String workload;

        /** libtorch intra-op threads (process-wide). */
        @Param({"2"})
        public int threads;

        @Setup(Level.Trial)
        public void load() throws Exception {
            String model = workload.substring(0, workload.indexOf('_'));
            String batch = workload.substring(workload.indexOf('_') + 1);
            open(engine, model, batch, threads, engine + " " + workload);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            runner.close();
        }
    }

    @Benchmark
    public float[] call(Model m) throws Exception {
        return m.runner.run(m.input, m.shape);
    }

    /** Two application threads calling one model at once (1 intra-op thread each), MLP batch 1. */
    @State(Scope.Benchmark)
    public static class Shared extends Loaded {
        @Param({"torch4j", "torch4j-runner", "javacpp", "djl"})
        public String engine;

        @Setup(Level.Trial)
        public void load() throws Exception {
            open(engine, "mlp", "1", 1, engine + " shared");
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            runner.close();
        }
    }

    @Benchmark
    @Threads(2)
    public float[] twoCallers(Shared s) throws Exception {
        return s.runner.run(s.input, s.shape);
    }
}
