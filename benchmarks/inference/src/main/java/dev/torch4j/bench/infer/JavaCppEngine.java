package dev.torch4j.bench.infer;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.MethodOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;

/**
 * The floor: the fewest JavaCPP calls that do the same job (copy the float[] into a libtorch tensor,
 * run forward under InferenceMode, copy the first output into a float[]), no torch4j code.
 */
// The scope and the guard act on exit (free, restore grad mode); the variables are not used.
@SuppressWarnings("try")
final class JavaCppEngine implements Engine {
    private final JitModule module;
    private final MethodOptional forward;
    private final TensorOptions options = new TensorOptions(torch.ScalarType.Float);
    private final MemoryFormatOptional format = new MemoryFormatOptional();

    JavaCppEngine(Path file, int threads) {
        torch.set_num_threads(threads);
        // OpenBLAS keeps its own pool: sized like torch4j's LibtorchThreads does, so the floor is comparable.
        openblas_nolapack.blas_set_num_threads(threads);
        module = torch.load(file.toString());
        module.eval();
        forward = module.find_method("forward");
    }

    @Override public float[] run(float[] input, long[] shape) {
        try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
            Tensor x = torch.empty(shape, options, format);
            new FloatPointer(x.data_ptr()).put(input);
            IValue out = forward.get().apply(new IValueVector(new IValue(x)));
            Tensor y = out.toTensor().contiguous();
            float[] result = new float[(int) y.numel()];
            new FloatPointer(y.data_ptr()).get(result);
            return result;
        }
    }

    @Override public void close() {
        forward.close();
        module.close();
    }
}
