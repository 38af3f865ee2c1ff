package dev.torch4j.libtorch.lite;

import dev.torch4j.libtorch.ScriptModel;

import java.util.List;

/**
 * A loaded mobile module with PyTorch Android's {@code org.pytorch.Module} shape: {@link #forward},
 * {@link #runMethod}, {@link #destroy}. Made by {@link LiteModuleLoader#load(String)}.
 *
 * <pre>{@code
 * try (LiteModule module = LiteModuleLoader.load("model.ptl")) {
 *     Tensor input = Tensors.of(pixels, 1, 3, 224, 224);          // Android: Tensor.fromBlob(pixels, shape)
 *     Tensor scores = module.forward(IValue.from(input)).toTensor();
 *     float[] values = scores.toFloatArray();                      // Android: getDataAsFloatArray()
 * }
 * }</pre>
 *
 * <p>Unlike Android's {@code Module} it is {@link AutoCloseable} ({@link #destroy()} is the same as
 * {@link #close()}), and, like {@link ScriptModel}, which does the work, it may be shared by threads.
 * Calls run in inference mode; a failing model throws {@link dev.torch4j.libtorch.LibtorchException}.
 */
public final class LiteModule implements AutoCloseable {
    private final ScriptModel model;

    LiteModule(ScriptModel model) {
        this.model = model;
    }

    /** Runs the module's {@code forward}. */
    public IValue forward(IValue... inputs) {
        return runMethod("forward", inputs);
    }

    /**
     * Runs a method by name ({@code forward} or one marked {@code @torch.jit.export}); an unknown name is
     * an {@link IllegalArgumentException} listing the methods there are. Arguments may be tensors,
     * booleans, longs, doubles, strings and null; results may be any of the {@link IValue} kinds.
     */
    public IValue runMethod(String methodName, IValue... inputs) {
        Object[] args = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) args[i] = inputs[i].argument(i);
        return IValue.of(model.run(methodName, args));
    }

    public boolean hasMethod(String methodName) {
        return model.hasMethod(methodName);
    }

    /** The module's methods ({@code forward} and exported ones), in definition order. */
    public List<String> methodNames() {
        return model.methodNames();
    }

    /** The torch4j model doing the work (parameters, low-overhead runners); closed with this module. */
    public ScriptModel scriptModel() {
        return model;
    }

    /** Frees the native module, as on Android; the same as {@link #close()}. */
    public void destroy() {
        close();
    }

    @Override public void close() {
        model.close();
    }

    @Override public String toString() {
        return "LiteModule[" + model.path() + (model.isClosed() ? ", closed" : "") + "]";
    }
}
