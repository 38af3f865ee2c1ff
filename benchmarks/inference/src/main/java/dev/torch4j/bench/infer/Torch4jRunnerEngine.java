package dev.torch4j.bench.infer;

import dev.torch4j.libtorch.LibtorchThreads;
import dev.torch4j.libtorch.ScriptModel;
import dev.torch4j.libtorch.ScriptRunner;

import java.nio.file.Path;

/** torch4j's low-overhead path: one ScriptRunner per thread, float[] in, float[] out. */
final class Torch4jRunnerEngine implements Engine {
    private final ScriptModel model;
    private final ThreadLocal<ScriptRunner> runners;

    Torch4jRunnerEngine(Path file, int threads) throws Exception {
        if (threads > 0) LibtorchThreads.setIntraOp(threads); // 0: the library's defaults
        model = ScriptModel.load(file);
        runners = ThreadLocal.withInitial(model::runner);
    }

    @Override public float[] run(float[] input, long[] shape) {
        return runners.get().forward(input, shape);
    }

    @Override public int intraOpThreads() {
        return LibtorchThreads.intraOp();
    }

    @Override public void close() {
        model.close(); // the runners' buffers go with the garbage collector
    }
}
