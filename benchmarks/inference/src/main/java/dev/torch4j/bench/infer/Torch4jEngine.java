package dev.torch4j.bench.infer;

import dev.torch4j.libtorch.InputTensors;
import dev.torch4j.libtorch.LibtorchThreads;
import dev.torch4j.libtorch.ScriptModel;

import java.nio.file.Path;

/**
 * torch4j's public API, as documented: InputTensors.of(float[], shape) -> forward -> toFloatArray;
 * "torch4j-frozen" adds optimizeForInference() after the load (torch.jit.freeze), inside the timed load.
 */
final class Torch4jEngine implements Engine {
    private final ScriptModel model;

    Torch4jEngine(Path file, int threads) throws Exception {
        this(file, threads, false);
    }

    Torch4jEngine(Path file, int threads, boolean frozen) throws Exception {
        if (threads > 0) LibtorchThreads.setIntraOp(threads); // 0: the library's defaults
        ScriptModel m = ScriptModel.load(file);
        model = frozen ? m.optimizeForInference() : m;
    }

    @Override public float[] run(float[] input, long[] shape) {
        return model.forward(InputTensors.of(input, shape)).toFloatArray();
    }

    @Override public int intraOpThreads() {
        return LibtorchThreads.intraOp();
    }

    @Override public void close() {
        model.close();
    }
}
