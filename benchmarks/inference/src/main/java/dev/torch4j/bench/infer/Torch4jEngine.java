package dev.torch4j.bench.infer;

import dev.torch4j.libtorch.InputTensors;
import dev.torch4j.libtorch.LibtorchThreads;
import dev.torch4j.libtorch.ScriptModel;

import java.nio.file.Path;

/** torch4j's public API, as documented: InputTensors.of(float[], shape) -> forward -> toFloatArray. */
final class Torch4jEngine implements Engine {
    private final ScriptModel model;

    Torch4jEngine(Path file, int threads) throws Exception {
        if (threads > 0) LibtorchThreads.setIntraOp(threads); // 0: the library's defaults
        model = ScriptModel.load(file);
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
