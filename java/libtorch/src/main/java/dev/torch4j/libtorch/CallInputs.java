package dev.torch4j.libtorch;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The per-call hand-over of torch4j tensors to libtorch, kept to as few native calls as possible:
 * a contiguous native-order tensor becomes one {@code torch.empty} plus one memcpy (the general
 * path in {@link NativeTensors#copy} goes through a byte tensor, a view and {@code copy_}); user
 * NIO buffers ({@link InputTensors}) and, on request, mapped file tensors are borrowed zero-copy.
 * Everything it allocates is attached to the caller's PointerScope.
 */
final class CallInputs {
    private CallInputs() {}

    /**
     * One TensorOptions per dtype for the life of the JVM (options are immutable once built), made
     * when this class initialises so calls from several threads read them without a lock.
     */
    private static final TensorOptions[] OPTIONS = new TensorOptions[DType.values().length];
    private static final MemoryFormatOptional NO_FORMAT;

    static {
        // retainReference: these outlive every PointerScope they might be created in.
        NO_FORMAT = new MemoryFormatOptional();
        NO_FORMAT.retainReference();
        for (DType d : DType.values()) {
            ScalarType s;
            try {
                s = DTypes.toNative(d);
            } catch (RuntimeException e) {
                continue; // a dtype libtorch lacks: such tensors take the general path, which reports it
            }
            TensorOptions o = new TensorOptions(s);
            o.retainReference();
            OPTIONS[d.ordinal()] = o;
        }
    }

    /** The shared options for a dtype; IllegalArgumentException for dtypes libtorch tensors cannot have. */
    static TensorOptions options(DType dtype) {
        TensorOptions o = OPTIONS[dtype.ordinal()];
        if (o == null) DTypes.toNative(dtype); // throws the explanatory message
        if (o == null) throw new IllegalArgumentException("dtype " + dtype.pythonName() + " cannot be handed to libtorch");
        return o;
    }

    static MemoryFormatOptional noFormat() {
        return NO_FORMAT;
    }

    /**
     * A libtorch tensor for {@code t}: borrowed when {@code borrow} or when its memory is a user's
     * direct buffer, else one copy. {@code arena} receives borrowed tensors' pins (may be null when
     * nothing is borrowed: then it is created on demand by the caller).
     */
    static org.bytedeco.pytorch.Tensor toNative(Tensor t, boolean borrow, TensorArenaSupplier arena) {
        if (borrow || t.storage().data() instanceof BufferRegion) return arena.get().borrow(t);
        org.bytedeco.pytorch.Tensor fast = copyContiguous(t);
        return fast != null ? fast : arena.get().copy(t);
    }

    @FunctionalInterface
    interface TensorArenaSupplier {
        TensorArena get();
    }

    /** One empty + one memcpy for a contiguous native-order tensor; null when that does not apply. */
    private static org.bytedeco.pytorch.Tensor copyContiguous(Tensor t) {
        DType dtype = t.dtype();
        TensorOptions options = OPTIONS[dtype.ordinal()];
        if (options == null || !t.isContiguous() || dtype.kind() == DType.Kind.QUANTIZED) return null;
        ByteOrder order = t.storage().order() == null ? ByteOrder.LITTLE_ENDIAN : t.storage().order();
        if (dtype.itemSize() > 1 && order != ByteOrder.nativeOrder()) return null;
        long bytes = t.byteSize();
        if (bytes == 0 || bytes > Integer.MAX_VALUE) return null;
        long start = Math.multiplyExact(t.storageOffset(), dtype.itemSize());
        ByteRegion data = t.storage().data();
        ByteBuffer src = data.trySlice(start, (int) bytes);
        if (src == null) return null;
        org.bytedeco.pytorch.Tensor dst = torch.empty(t.shape(), options, NO_FORMAT);
        new BytePointer(dst.data_ptr()).capacity(bytes).asByteBuffer().put(src);
        return dst;
    }
}
