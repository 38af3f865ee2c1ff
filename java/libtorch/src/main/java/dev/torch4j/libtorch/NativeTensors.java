package dev.torch4j.libtorch;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Moves tensors between torch4j and libtorch.
 *
 * <p>torch4j to libtorch: {@code from_blob} over the very bytes of the storage (usually a memory-mapped
 * file) when they are in native byte order and contiguous in one mapping; otherwise one copy into
 * libtorch memory (byte-swapped where needed). Strides and storage offsets carry over unchanged.
 *
 * <p>libtorch to torch4j: a contiguous copy into a heap storage, so the result outlives every native
 * object.
 */
// PointerScope blocks free native memory on exit; the scope variable itself is not used.
@SuppressWarnings("try")
public final class NativeTensors {
    private NativeTensors() {}

    /** Bytes copied per step when a region is too large for one {@link ByteBuffer}. */
    private static final int COPY_STEP = 8 << 20;

    /** A libtorch-owned contiguous copy of {@code t}: the caller closes it. */
    public static org.bytedeco.pytorch.Tensor copy(Tensor t) {
        LibtorchBackend.require();
        try (TensorArena arena = new TensorArena(); PointerScope scope = new PointerScope()) {
            org.bytedeco.pytorch.Tensor src = arena.borrow(t);
            org.bytedeco.pytorch.Tensor dst = torch.empty(t.shape(), new TensorOptions(DTypes.toNative(t.dtype())), new MemoryFormatOptional());
            dst.copy_(src);
            dst.retainReference(); // outlives the scope; the caller's close() frees it
            return dst;
        } catch (RuntimeException e) {
            throw rethrow("copying " + t + " into libtorch", e);
        }
    }

    /** A torch4j tensor holding a contiguous copy of a (CPU) libtorch tensor's elements. */
    public static Tensor toTorch4j(org.bytedeco.pytorch.Tensor n) {
        LibtorchBackend.require();
        try (PointerScope scope = new PointerScope()) {
            if (n.is_quantized()) throw new LibtorchException("quantized libtorch tensors are not converted; dequantize first");
            DType dtype = DTypes.fromNative(n.scalar_type());
            // dim()/size(i) rather than sizes().vec(): no native vector objects per call.
            long[] shape = new long[(int) n.dim()];
            for (int i = 0; i < shape.length; i++) shape[i] = n.size(i);
            org.bytedeco.pytorch.Tensor c = n.is_contiguous() ? n : n.contiguous();
            long nbytes = c.nbytes();
            if (nbytes > Integer.MAX_VALUE - 8) {
                throw new LibtorchException("libtorch tensor of " + nbytes + " bytes is too large for a heap copy (2 GiB)");
            }
            byte[] bytes = new byte[(int) nbytes];
            if (nbytes > 0) new BytePointer(c.data_ptr()).capacity(nbytes).get(bytes, 0, (int) nbytes);
            Storage storage = Storage.ofBytes("libtorch", dtype, new HeapRegion(bytes), ByteOrder.nativeOrder());
            return new Tensor(dtype, shape, Tensor.contiguousStrides(shape), 0, storage);
        } catch (RuntimeException e) {
            throw rethrow("reading a libtorch tensor", e);
        }
    }

    /** See {@link TensorArena#borrow}. The result is not tracked; the arena only receives its pin. */
    static org.bytedeco.pytorch.Tensor borrowOrCopy(Tensor t, TensorArena arena) {
        arena.checkOpen();
        DType dtype = t.dtype();
        ScalarType type = DTypes.toNative(dtype);
        long[] shape = t.shape();
        long[] stride = t.stride();
        Span span = Span.of(t, shape, stride);
        try (PointerScope scope = new PointerScope()) {
            org.bytedeco.pytorch.Tensor result;
            if (span.elements() == 0) {
                result = torch.empty(shape, new TensorOptions(type), new MemoryFormatOptional());
            } else {
                ByteRegion data = t.storage().data();
                ByteOrder order = t.storage().order() == null ? ByteOrder.LITTLE_ENDIAN : t.storage().order();
                boolean swap = dtype.itemSize() > 1 && order != ByteOrder.nativeOrder();
                ByteBuffer direct = swap || span.byteLength() > Integer.MAX_VALUE ? null
                        : directOrNull(data.trySlice(span.byteStart(), (int) span.byteLength()));
                if (direct != null) {
                    BytePointer p = new BytePointer(direct);
                    MemoryPins.pin(p.address(), direct, arena);
                    result = torch.from_blob(p, shape, stride, MemoryPins.deleter(), new TensorOptions(type));
                } else {
                    result = copyOut(data, span, dtype, type, swap).as_strided(shape, stride);
                }
            }
            result.retainReference();
            return result;
        }
    }

    /** Only off-heap memory has an address libtorch can use: the GC moves heap arrays. */
    private static ByteBuffer directOrNull(ByteBuffer b) {
        return b != null && b.isDirect() ? b : null;
    }

    /** The span's bytes copied into libtorch memory, byte-swapped to native order when needed, as a 1-D tensor. */
    private static org.bytedeco.pytorch.Tensor copyOut(ByteRegion data, Span span, DType dtype, ScalarType type, boolean swap) {
        long n = span.byteLength();
        org.bytedeco.pytorch.Tensor bytes = torch.empty(new long[] {n}, new TensorOptions(ScalarType.Byte), new MemoryFormatOptional());
        BytePointer dst = new BytePointer(bytes.data_ptr()).capacity(n);
        if (n <= Integer.MAX_VALUE) {
            ByteBuffer src = data.slice(span.byteStart(), (int) n);
            dst.asByteBuffer().put(src.duplicate());
        } else {
            byte[] step = new byte[COPY_STEP];
            for (long done = 0; done < n; ) {
                int len = (int) Math.min(COPY_STEP, n - done);
                data.copyTo(span.byteStart() + done, step, 0, len);
                dst.position(done).put(step, 0, len);
                done += len;
            }
            dst.position(0);
        }
        if (swap) {
            int unit = DTypes.swapUnit(dtype);
            bytes = bytes.view(n / unit, unit).flip(1).contiguous().view(n);
        }
        return bytes.view(type);
    }

    static RuntimeException rethrow(String doing, RuntimeException e) {
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof LibtorchException || e.getClass() != RuntimeException.class) {
            return e;
        }
        return LibtorchException.wrap(doing, e); // a c10::Error surfaced by JavaCPP
    }

    /** The bytes of a storage a strided view touches: from its first element to its last. */
    record Span(long elements, long byteStart, long byteLength) {
        static Span of(Tensor t, long[] shape, long[] stride) {
            if (shape.length != stride.length) throw new IllegalArgumentException("shape and stride differ in rank: " + t);
            int item = t.dtype().itemSize();
            long count = 1;
            long last = 0;
            try {
                for (int i = 0; i < shape.length; i++) {
                    if (shape[i] < 0 || stride[i] < 0) {
                        throw new IllegalArgumentException("negative size or stride " + Arrays.toString(shape)
                                + "/" + Arrays.toString(stride));
                    }
                    count = Math.multiplyExact(count, shape[i]);
                    if (shape[i] > 0) last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
                }
                if (count == 0) return new Span(0, 0, 0);
                long start = Math.multiplyExact(t.storageOffset(), item);
                long length = Math.multiplyExact(last + 1, item);
                long storageBytes = t.storage().byteSize();
                if (t.storageOffset() < 0 || Math.addExact(start, length) > storageBytes) {
                    throw new IllegalArgumentException(t + " reaches byte " + (start + length)
                            + " of a " + storageBytes + "-byte storage");
                }
                return new Span(count, start, length);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor layout overflows: " + t, e);
            }
        }
    }

    /** Native address of a pointer, for tests that check zero-copy. */
    static long address(Pointer p) {
        return p == null ? 0 : p.address();
    }
}
