package dev.torch4j.libtorch;

import dev.torch4j.io.HeapRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Method;
import org.bytedeco.pytorch.TensorImpl;
import org.bytedeco.pytorch.TupleElements;
import org.bytedeco.pytorch.global.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The low-overhead way to call one method of a {@link ScriptModel} many times from one thread:
 * {@code float[] y = runner.forward(x, 1, 64)}, or {@link #input} per argument, {@link #run()}, then
 * read the outputs.
 *
 * <p>Why it is faster than {@link ScriptModel#forward}: each input is copied straight into a libtorch
 * tensor the runner keeps for as long as the shape and dtype stay the same, and the call runs on one
 * reused argument stack, so a steady-state call makes no native objects that JavaCPP must register
 * and free. Outputs stay in libtorch's memory until the next {@link #run()}: {@link #outputFloats}
 * copies them into an array, {@link #outputBuffer} views them without a copy.
 *
 * <p>Calls run in inference mode, like {@link ScriptModel#forward}, unless the model has
 * {@link ScriptModel#withGradients}.
 * The method's argument types are checked against its schema on the first call (and whenever the
 * number of inputs changes); later calls skip that check, since the inputs are always tensors.
 *
 * <p><b>Threads:</b> a runner is for one thread at a time (a call while another runs on the same
 * runner fails with {@link IllegalStateException}); give each thread its own, they are cheap. Any
 * number of runners and {@link ScriptModel} calls may run on one model at once. Closing the model
 * makes later calls fail cleanly; close the runner to free its buffers at once.
 */
// PointerScope blocks free native memory on exit; the scope variable itself is not used.
@SuppressWarnings("try")
public final class ScriptRunner implements AutoCloseable {
    private final ScriptModel model;
    private final String methodName;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The argument stack: before a call the inputs, after it the method's result. */
    private final IValueVector stack;
    private final List<InputSlot> inputs = new ArrayList<>();
    /** The method, valid while the model keeps the module it was found in (see ScriptModel#generation). */
    private Method method;
    private long methodGeneration = -1;
    /** The input count whose types the schema check last accepted; -1 before the first call. */
    private int checkedInputs = -1;
    /** Raw views of the result tensors; valid until the stack changes. */
    private TensorImpl[] outputs;
    /** Contiguous copies of non-contiguous results, kept alive with the views. */
    private final List<org.bytedeco.pytorch.Tensor> contiguousCopies = new ArrayList<>();
    private boolean closed;

    ScriptRunner(ScriptModel model, String methodName) {
        this.model = model;
        this.methodName = methodName;
        try (PointerScope scope = new PointerScope()) {
            stack = new IValueVector();
            stack.retainReference(); // outlives the scope (and any scope of the caller's)
        }
    }

    public String method() {
        return methodName;
    }

    /** Sets input {@code index} (0-based, in the method's argument order) to float32 elements of {@code shape}. */
    public ScriptRunner input(int index, float[] data, long... shape) {
        return fill(index, DType.FLOAT32, shape, data.length, s -> s.floats().put(0, data));
    }

    /** float32 elements from the buffer's remaining ones (copied: the buffer may change after this returns). */
    public ScriptRunner input(int index, FloatBuffer data, long... shape) {
        return fill(index, DType.FLOAT32, shape, data.remaining(), s -> s.floats().put(0, data, data.position(), data.remaining()));
    }

    public ScriptRunner input(int index, long[] data, long... shape) {
        return fill(index, DType.INT64, shape, data.length, s -> s.bytes.asLongBuffer().put(0, data));
    }

    public ScriptRunner input(int index, int[] data, long... shape) {
        return fill(index, DType.INT32, shape, data.length, s -> s.bytes.asIntBuffer().put(0, data));
    }

    public ScriptRunner input(int index, double[] data, long... shape) {
        return fill(index, DType.FLOAT64, shape, data.length, s -> s.bytes.asDoubleBuffer().put(0, data));
    }

    /** uint8 elements (image bytes). */
    public ScriptRunner input(int index, byte[] data, long... shape) {
        return fill(index, DType.UINT8, shape, data.length, s -> s.bytes.put(0, data));
    }

    /** Any torch4j tensor (not quantized), copied into the input buffer with its dtype and shape. */
    public ScriptRunner input(int index, Tensor t) {
        byte[] littleEndian = t.toByteArray(); // C order
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN && t.dtype().itemSize() > 1) {
            throw new UnsupportedOperationException("on big-endian hosts use the typed input methods");
        }
        return fill(index, t.dtype(), t.shape(), t.numel(), s -> s.bytes.put(0, littleEndian));
    }

    /** Runs the method on inputs 0..n-1 (all must be set); earlier outputs and their views become invalid. */
    public ScriptRunner run() {
        enter();
        try {
            model.read(this::call);
        } finally {
            busy.set(false);
        }
        return this;
    }

    /** Single-input convenience: sets input 0, runs, and returns output 0 as float32 values. */
    public float[] forward(float[] data, long... shape) {
        return input(0, data, shape).run().outputFloats(0);
    }

    /** Number of result tensors of the last call (a tuple's size, or 1). */
    public int outputCount() {
        return results().length;
    }

    public long[] outputShape(int index) {
        TensorImpl t = output(index);
        long[] shape = new long[(int) t.dim()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.size(i);
        return shape;
    }

    public DType outputDType(int index) {
        TensorImpl t = output(index);
        try (PointerScope scope = new PointerScope()) {
            return DTypes.fromNative(t.dtype().toScalarType());
        }
    }

    /** Output {@code index} copied into a new float[] (it must be float32). */
    public float[] outputFloats(int index) {
        TensorImpl t = typed(index, DType.FLOAT32);
        float[] out = new float[Math.toIntExact(t.numel())];
        if (out.length > 0) new FloatPointer(t.data()).get(out);
        return out;
    }

    /** Output {@code index} copied into a new long[] (it must be int64). */
    public long[] outputLongs(int index) {
        TensorImpl t = typed(index, DType.INT64);
        long[] out = new long[Math.toIntExact(t.numel())];
        if (out.length > 0) new LongPointer(t.data()).get(out);
        return out;
    }

    /**
     * Output {@code index}'s bytes in libtorch's memory, C order, read-only, in native byte order (as the buffer
     * says; views made from it with duplicate() or slice() need {@code order(ByteOrder.nativeOrder())} again), without a
     * copy. Valid only until the next {@link #run()} or {@link #close()}: reading it afterwards reads
     * freed or reused memory. Copy what must be kept.
     */
    public ByteBuffer outputBuffer(int index) {
        TensorImpl t = output(index);
        long bytes = Math.multiplyExact(t.numel(), t.itemsize());
        if (bytes > Integer.MAX_VALUE) throw new LibtorchException("output " + index + " has " + bytes + " bytes, more than one buffer holds");
        if (bytes == 0) return ByteBuffer.allocate(0).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
        return new BytePointer(t.data()).capacity(bytes).asByteBuffer().asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    /** Output {@code index} as a torch4j tensor (a heap copy that outlives the runner). */
    public Tensor outputTensor(int index) {
        DType dtype = outputDType(index);
        long[] shape = outputShape(index);
        ByteBuffer view = outputBuffer(index);
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        Storage storage = Storage.ofBytes("libtorch", dtype, new HeapRegion(bytes), ByteOrder.nativeOrder());
        return new Tensor(dtype, shape, Tensor.contiguousStrides(shape), 0, storage);
    }

    @Override public void close() {
        enter();
        try {
            if (closed) return;
            closed = true;
            dropOutputs();
            stack.close();
            for (InputSlot s : inputs) if (s != null) s.close();
            inputs.clear();
        } finally {
            busy.set(false);
        }
    }

    private void enter() {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("this runner of " + model.path() + " is in use by another thread; give each thread its own");
        }
    }

    private Void call(JitModule module) {
        if (closed) throw new IllegalStateException("runner of " + model.path() + " is closed");
        long generation = model.generation();
        if (method == null || generation != methodGeneration) {
            method = model.method(module, methodName).get();
            methodGeneration = generation;
            checkedInputs = -1;
        }
        int n = inputs.size();
        for (int i = 0; i < n; i++) {
            if (inputs.get(i) == null) throw new IllegalStateException("input " + i + " of " + methodName + " is not set");
        }
        dropOutputs();
        stack.resize(0);
        for (InputSlot s : inputs) stack.push_back(s.value);
        // InferenceMode as in ScriptModel (measured: a batch-1 MLP call takes ~15 us under it, ~25 us
        // under no-grad, whose autograd kernels still run per op); its guard object costs ~1 us.
        // After a call with gradients the executor's recorded plans reject inference tensors: no-grad then.
        // close() frees the guard at once even inside a caller's PointerScope (which then skips it).
        boolean gradients = model.gradientsEnabled();
        if (gradients) model.markRanWithGradients();
        boolean previous = GradMode.is_enabled();
        InferenceMode guard = gradients || model.ranWithGradients() ? null : new InferenceMode();
        if (guard == null) GradMode.set_enabled(gradients);
        try {
            if (checkedInputs != n) {
                // Method::operator() checks the arguments against the schema (count, types, defaults);
                // Method::run would trust them. Once accepted, later calls have the same argument types.
                try (PointerScope scope = new PointerScope()) {
                    IValue result = method.apply(stack);
                    stack.resize(0);
                    stack.push_back(result);
                }
                checkedInputs = n;
            } else {
                method.run(stack);
            }
        } catch (RuntimeException e) {
            stack.resize(0);
            throw LibtorchException.wrap(model.path().getFileName() + "." + methodName, e);
        } finally {
            if (guard != null) guard.close();
            else GradMode.set_enabled(previous);
        }
        return null;
    }

    private TensorImpl[] results() {
        if (outputs != null) return outputs;
        if (closed) throw new IllegalStateException("runner of " + model.path() + " is closed");
        if (stack.size() != 1) throw new IllegalStateException("no result: call run() first");
        IValue top = stack.get(0);
        TensorImpl[] found;
        if (top.isTensor()) {
            found = new TensorImpl[] {tensorOf(top, 0)};
        } else if (top.isTuple()) {
            TupleElements items = top.toTupleRef().elements();
            found = new TensorImpl[(int) items.size()];
            for (int i = 0; i < found.length; i++) {
                IValue item = items.get(i);
                if (!item.isTensor()) {
                    throw new LibtorchException(methodName + " of " + model.path() + " returned a tuple whose item " + i
                            + " is not a tensor; use ScriptModel.run");
                }
                found[i] = tensorOf(item, i);
            }
        } else {
            throw new LibtorchException(methodName + " of " + model.path() + " returned " + top.tagKind().getString()
                    + ", not tensors; use ScriptModel.run");
        }
        outputs = found;
        return found;
    }

    /** A raw view of a result tensor: dense CPU memory, made contiguous (and kept) when it is not. */
    private TensorImpl tensorOf(IValue v, int index) {
        TensorImpl t = v.unsafeToTensorImpl();
        if (!t.is_cpu() || t.is_quantized() || t.is_sparse() || t.is_nested() || t.is_mkldnn()) {
            throw new LibtorchException("output " + index + " of " + methodName + " is not a dense CPU tensor");
        }
        if (t.is_contiguous()) return t;
        try (PointerScope scope = new PointerScope()) {
            org.bytedeco.pytorch.Tensor c = v.toTensor().contiguous();
            c.retainReference();
            contiguousCopies.add(c);
            return c.unsafeGetTensorImpl();
        }
    }

    private TensorImpl output(int index) {
        TensorImpl[] all = results();
        if (index < 0 || index >= all.length) {
            throw new IndexOutOfBoundsException("output " + index + " of " + all.length + " of " + methodName);
        }
        return all[index];
    }

    private TensorImpl typed(int index, DType expected) {
        TensorImpl t = output(index);
        DType actual = outputDType(index);
        if (actual != expected) {
            throw new IllegalStateException("output " + index + " of " + methodName + " is " + actual.pythonName()
                    + ", not " + expected.pythonName() + "; use outputBuffer or outputTensor");
        }
        return t;
    }

    private void dropOutputs() {
        outputs = null;
        for (org.bytedeco.pytorch.Tensor c : contiguousCopies) c.close();
        contiguousCopies.clear();
    }

    /** Copies one input into its slot while no call runs. */
    private ScriptRunner fill(int index, DType dtype, long[] shape, long elements, java.util.function.Consumer<InputSlot> copy) {
        enter();
        try {
            copy.accept(slot(index, dtype, shape, elements));
        } finally {
            busy.set(false);
        }
        return this;
    }

    /** The slot for input {@code index}, reallocated when its dtype or shape changes. */
    private InputSlot slot(int index, DType dtype, long[] shape, long elements) {
        if (index < 0) throw new IndexOutOfBoundsException("input index " + index);
        long numel = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            numel = Math.multiplyExact(numel, d);
        }
        if (numel != elements) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + numel + " elements, the data " + elements);
        }
        if (closed) throw new IllegalStateException("runner of " + model.path() + " is closed");
        while (inputs.size() <= index) inputs.add(null);
        InputSlot s = inputs.get(index);
        if (s != null && s.dtype == dtype && Arrays.equals(s.shape, shape)) return s;
        if (s != null) s.close();
        // Replaced inputs must not stay referenced from the stack or an old result.
        dropOutputs();
        stack.resize(0);
        InputSlot fresh = new InputSlot(dtype, shape.clone());
        inputs.set(index, fresh);
        return fresh;
    }

    /**
     * One input: a libtorch tensor owned by the runner (made with autograd's default state, so it is
     * usable with or without gradients), the IValue holding it, and its memory as a buffer.
     */
    private static final class InputSlot {
        final DType dtype;
        final long[] shape;
        final org.bytedeco.pytorch.Tensor tensor;
        final IValue value;
        final ByteBuffer bytes;
        private FloatBuffer floats;

        InputSlot(DType dtype, long[] shape) {
            this.dtype = dtype;
            this.shape = shape;
            try (PointerScope scope = new PointerScope()) {
                tensor = torch.empty(shape, CallInputs.options(dtype), CallInputs.noFormat());
                tensor.retainReference();
                value = new IValue(tensor);
                value.retainReference();
                long n = tensor.nbytes();
                Pointer data = tensor.data_ptr();
                bytes = n == 0 || data == null || data.isNull() ? ByteBuffer.allocateDirect(0)
                        : new BytePointer(data).capacity(n).asByteBuffer();
                bytes.order(ByteOrder.nativeOrder());
            }
        }

        FloatBuffer floats() {
            if (floats == null) floats = bytes.asFloatBuffer();
            return floats;
        }

        void close() {
            value.close();
            tensor.close();
        }
    }
}
