package dev.torch4j.libtorch;

import dev.torch4j.TorchFileException;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.FunctionVector;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.MethodOptional;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.StringVectorOptional;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A TorchScript module ({@code torch.jit.save} archive) loaded by libtorch: run its methods on
 * torch4j tensors, read its parameters and buffers. Close it to free the native module at once.
 *
 * <p><b>Thread safety:</b> one instance may be shared: any number of threads may call its methods at
 * once (libtorch runs TorchScript methods re-entrantly; each call has its own inputs and outputs);
 * {@link #train(boolean)} and {@link #close()} wait for running calls, and calls after close fail
 * cleanly. Calls run in inference mode unless {@link #withGradients(boolean)}. Intra-op parallelism
 * is process-wide: {@link LibtorchThreads}. For many calls from one thread, {@link #runner()} is the
 * low-overhead path (inputs copied into kept libtorch tensors, outputs read where libtorch left them).
 *
 * <p>Load only trusted files: a TorchScript archive is code, and libtorch's loader is not hardened
 * against hostile input the way torch4j's pure-Java reader is.
 */
// PointerScope blocks free native memory on exit; the scope variable itself is not used.
@SuppressWarnings("try")
public final class ScriptModel implements AutoCloseable {
    private final Path path;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private JitModule module;
    private volatile boolean borrowInputs;
    private volatile boolean gradients;
    /**
     * Set once a call ran with gradients: from then on inference calls use a no-grad guard rather than
     * InferenceMode, because the TorchScript executor's plans recorded under autograd reject the
     * inference tensors InferenceMode creates ("Inference tensors cannot be saved for backward").
     */
    private volatile boolean ranWithGradients;
    /** Set by {@link #optimizeForInference()}: the module is frozen (eval only, no parameters of its own). */
    private volatile boolean optimized;
    /** Bumped whenever the native module is replaced: runners re-fetch their cached method then. */
    private long generation; // written under the write lock, read under the read lock
    /** find_method results by name: the lookup is a string compare per method plus four native objects. */
    private final ConcurrentHashMap<String, MethodOptional> methods = new ConcurrentHashMap<>();

    private ScriptModel(Path path, JitModule module) {
        this.path = path;
        this.module = module;
    }

    /** Loads a TorchScript archive and puts it in eval mode. */
    public static ScriptModel load(Path path) throws IOException {
        LibtorchBackend.require();
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString());
        JitModule m;
        try {
            m = torch.load(path.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            throw new TorchFileException(path.toString(), null, -1,
                    "libtorch cannot load it as TorchScript (torch.jit.save / torch.jit.script archive): "
                            + LibtorchException.nativeMessage(e), e);
        }
        m.eval();
        return new ScriptModel(path, m);
    }

    public Path path() {
        return path;
    }

    /**
     * Whether tensor arguments are handed to libtorch zero-copy (default false: they are copied once).
     * Zero-copy inputs point into read-only mapped memory: only enable it for models that never write
     * into their inputs in place.
     */
    public ScriptModel borrowInputs(boolean borrow) {
        this.borrowInputs = borrow;
        return this;
    }

    /**
     * Whether calls record autograd history (default false: calls run under libtorch's InferenceMode,
     * like {@code torch.inference_mode()}, which skips autograd bookkeeping and keeps no graph alive).
     * Outputs are copies either way; enable it for methods that call {@code torch.autograd.grad} or
     * rely on {@code requires_grad} inside the model.
     */
    public ScriptModel withGradients(boolean on) {
        if (on && optimized) throw frozen("run with gradients");
        this.gradients = on;
        return this;
    }

    public boolean gradientsEnabled() {
        return gradients;
    }

    public ScriptModel eval() {
        return train(false);
    }

    public ScriptModel train(boolean on) {
        read(m -> {
            // Checked under the lock optimizeForInference takes to swap the module.
            if (!optimized) m.train(on);
            else if (on) throw frozen("switch to training mode"); // a frozen module is in eval mode for good
            return null;
        });
        return this;
    }

    public boolean isTraining() {
        return !optimized && read(JitModule::is_training);
    }

    /**
     * Freezes the module for inference, as {@code torch.jit.freeze} does in Python: parameters and
     * attributes become constants of the graph, and the passes that need constants run: batch norms
     * fold into the convolutions before them, additions and multiplications by constants into their
     * weights, consecutive linear layers into one. Every method the model exports stays callable.
     * Outputs match the unfrozen module's to float rounding (checked against PyTorch's eager outputs on
     * 60 generated models in the tests).
     *
     * <p>Not applied: the oneDNN conversion of {@code torch.jit.optimize_for_inference}, although it is
     * faster still (the CNN's batch-32 call 0.6x): on this libtorch it computed wrong outputs for 3 of
     * the 60 generated models (average pooling with {@code ceil_mode} on oneDNN tensors; errors up
     * to 0.24).
     *
     * <p>Measured on 2 cores (default threads, docs/performance.md): the small ResNet-like CNN's
     * batch-1 call about 0.9x, its batch-32 call 0.84x of the unfrozen module's; freezing that CNN
     * takes about 25 ms. Afterwards the model is for inference only: {@link #train(boolean)
     * train(true)} and {@link #withGradients(boolean) withGradients(true)} throw, and
     * {@link #parameters()}, {@link #buffers()} and {@link #stateDict()} are empty (the values live in
     * the graph now; read them first). Not undone: load the file again for the original module.
     * Calling it twice does nothing the second time.
     *
     * @throws LibtorchException when libtorch cannot freeze this module (it is left as it was)
     * @throws IllegalStateException when gradients are enabled or the model is closed
     */
    public ScriptModel optimizeForInference() {
        // Under the write lock: running calls finish first, and two racing callers cannot both freeze
        // (freezing a frozen module fails), nor a train(true) land on the frozen one.
        lock.writeLock().lock();
        try {
            if (optimized) return this;
            if (gradients) throw new IllegalStateException("cannot optimise " + path + " for inference while gradients are enabled");
            replace(read(ScriptModel::optimized)); // both locks are reentrant for the writer
            optimized = true;
            return this;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The TorchScript graph of {@code forward} as libtorch prints it (for tests and diagnostics). */
    String forwardGraph() {
        return read(m -> {
            try (PointerScope scope = new PointerScope()) {
                return m.get_method("forward").graph().toString();
            }
        });
    }

    /** Whether {@link #optimizeForInference()} ran. */
    public boolean isOptimizedForInference() {
        return optimized;
    }

    private static JitModule optimized(JitModule m) {
        boolean wasTraining = m.is_training();
        m.eval(); // freezing folds eval-mode behaviour (batch norm statistics, no dropout); needs eval
        List<String> others = methodNames(m);
        others.remove("forward"); // freezing always keeps forward; the others by name
        // No PointerScope here: the result must outlive this method, so every native object is closed by hand.
        StringVector names = new StringVector(others.toArray(new String[0]));
        StringVectorOptional preserved = others.isEmpty() ? new StringVectorOptional() : new StringVectorOptional(names);
        try {
            return torch.freeze(m, preserved, true); // true: the constant-folding passes (batch norms...)
        } catch (RuntimeException e) {
            throw LibtorchException.wrap("freezing the module for inference (run it as loaded instead)", e);
        } finally {
            preserved.close();
            names.close();
            m.train(wasTraining);
        }
    }

    private IllegalStateException frozen(String what) {
        return new IllegalStateException("cannot " + what + ": " + path
                + " was frozen for inference (optimizeForInference); load it again for the original module");
    }

    /** Runs {@code forward} and returns its tensor result (LibtorchException when it returns something else). */
    public Tensor forward(Tensor... inputs) {
        Object out = run("forward", (Object[]) inputs);
        if (out instanceof Tensor t) return t;
        throw new LibtorchException("forward of " + path + " returned " + describe(out) + ", not a tensor; use run()");
    }

    /**
     * Runs a method by name. Arguments: torch4j Tensors, numbers, booleans, strings, null. The result is
     * converted to torch4j objects (Tensor copies, PyTuple, List, Map, Long, Double, Boolean, String, null).
     */
    public Object run(String method, Object... args) {
        return read(m -> {
            MethodOptional found = method(m, method);
            boolean grad = gradients;
            if (grad) ranWithGradients = true;
            TensorArena[] arena = new TensorArena[1]; // created only when a tensor is borrowed
            try (PointerScope scope = new PointerScope()) {
                // Guards are thread-local RAII objects in libtorch: made and closed on this thread.
                Pointer guard = grad ? null : ranWithGradients ? new NoGradGuard() : new InferenceMode();
                try {
                    IValueVector in = new IValueVector();
                    boolean borrow = borrowInputs;
                    for (Object a : args) {
                        if (a instanceof Tensor t) {
                            in.push_back(new IValue(CallInputs.toNative(t, borrow, () -> arena(arena))));
                        } else {
                            in.push_back(IValues.toIValue(a, null, false));
                        }
                    }
                    IValue out;
                    try {
                        out = found.get().apply(in);
                    } catch (RuntimeException e) {
                        throw LibtorchException.wrap(path.getFileName() + "." + method, e);
                    }
                    return IValues.fromIValue(out);
                } finally {
                    if (guard != null) guard.close();
                }
            } finally {
                if (arena[0] != null) arena[0].close();
            }
        });
    }

    private static TensorArena arena(TensorArena[] holder) {
        if (holder[0] == null) holder[0] = new TensorArena();
        return holder[0];
    }

    /**
     * Runs {@code forward} once on samples of equal shape stacked along a new first dimension, and
     * splits its tensor output back into one tensor per sample (views of one heap copy).
     */
    public List<Tensor> forwardBatch(List<Tensor> samples) {
        Tensor out = forward(InputTensors.stack(samples));
        long[] shape = out.shape();
        if (shape.length == 0 || shape[0] != samples.size()) {
            throw new LibtorchException("forward of " + path + " returned shape " + java.util.Arrays.toString(shape)
                    + " for a batch of " + samples.size() + ": its first dimension is not the batch");
        }
        long[] stride = out.stride();
        long[] itemShape = java.util.Arrays.copyOfRange(shape, 1, shape.length);
        long[] itemStride = java.util.Arrays.copyOfRange(stride, 1, stride.length);
        List<Tensor> items = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            items.add(new Tensor(out.dtype(), itemShape, itemStride, out.storageOffset() + i * stride[0], out.storage()));
        }
        return items;
    }

    /**
     * A runner for {@code forward}: the low-overhead path for repeated calls from one thread (inputs
     * copied into buffers it keeps, outputs readable without a copy). See {@link ScriptRunner}.
     */
    public ScriptRunner runner() {
        return runner("forward");
    }

    /** A runner for the named method (IllegalArgumentException when the model has none of that name). */
    public ScriptRunner runner(String method) {
        read(m -> method(m, method));
        return new ScriptRunner(this, method);
    }

    boolean ranWithGradients() {
        return ranWithGradients;
    }

    void markRanWithGradients() {
        ranWithGradients = true;
    }

    long generation() {
        return generation;
    }

    /** The cached method, looked up once per name; the error lists the methods there are. */
    MethodOptional method(JitModule m, String name) {
        MethodOptional found = methods.get(name);
        if (found != null) return found;
        MethodOptional fresh = m.find_method(name);
        if (!fresh.has_value()) {
            fresh.close();
            throw new IllegalArgumentException(path + " has no method '" + name + "'; it has " + methodNames(m));
        }
        found = methods.putIfAbsent(name, fresh);
        if (found != null) {
            fresh.close();
            return found;
        }
        return fresh;
    }

    private void dropMethods() {
        methods.values().forEach(MethodOptional::close);
        methods.clear();
    }

    public boolean hasMethod(String name) {
        return read(m -> {
            try (PointerScope scope = new PointerScope()) {
                return m.find_method(name).has_value();
            }
        });
    }

    /** The module's own methods ({@code forward} and {@code @torch.jit.export}ed ones), in definition order. */
    public List<String> methodNames() {
        return read(ScriptModel::methodNames);
    }

    private static List<String> methodNames(JitModule m) {
        try (PointerScope scope = new PointerScope()) {
            FunctionVector fs = m.type().methods();
            List<String> names = new ArrayList<>();
            for (long i = 0; i < fs.size(); i++) names.add(fs.get(i).name().getString());
            return names;
        }
    }

    /** Every parameter, by state_dict name ({@code l1.weight}), as heap copies. */
    public Map<String, Tensor> parameters() {
        return copies(ModuleState.Kind.PARAMETERS);
    }

    /** Every buffer (running statistics...), by state_dict name, as heap copies. */
    public Map<String, Tensor> buffers() {
        return copies(ModuleState.Kind.BUFFERS);
    }

    /** Parameters and buffers in {@code state_dict()} order, as heap copies. */
    public Map<String, Tensor> stateDict() {
        return copies(ModuleState.Kind.BOTH);
    }

    private Map<String, Tensor> copies(ModuleState.Kind kind) {
        if (optimized) return new LinkedHashMap<>(); // folded into the graph's constants
        return read(m -> {
            try (PointerScope scope = new PointerScope()) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                ModuleState.of(m, kind).forEach((k, v) -> out.put(k, NativeTensors.toTorch4j(v)));
                return out;
            }
        });
    }

    /** Runs {@code action} on the native module while it cannot be closed. */
    <R> R read(ModuleAction<R> action) {
        lock.readLock().lock();
        try {
            if (module == null) throw new IllegalStateException("script model " + path + " is closed");
            return action.apply(module);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Replaces the native module (after freezing, say), freeing the old one. */
    void replace(JitModule next) {
        lock.writeLock().lock();
        try {
            if (module == null) throw new IllegalStateException("script model " + path + " is closed");
            if (next != module) {
                generation++;
                dropMethods();
                module.close();
                module = next;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @FunctionalInterface
    interface ModuleAction<R> {
        R apply(JitModule m);
    }

    public boolean isClosed() {
        lock.readLock().lock();
        try {
            return module == null;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override public void close() {
        lock.writeLock().lock();
        try {
            if (module != null) {
                generation++;
                dropMethods();
                module.close();
                module = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    @Override public String toString() {
        return "ScriptModel[" + path + (isClosed() ? ", closed" : "") + "]";
    }
}
