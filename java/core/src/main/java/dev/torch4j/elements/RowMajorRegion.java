package dev.torch4j.elements;

import dev.torch4j.tensor.Tensors;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.nio.ByteOrder;

/**
 * A tensor's elements in row-major order, little-endian, as a region: gathers strided views and
 * byte-swaps big-endian storages on demand. Wrapping a view this way gives a contiguous tensor
 * that writers stream like any other, without copying the view up front.
 */
public final class RowMajorRegion extends ElementRegion {
    private final ByteRegion source;
    private final long[] shape;
    private final long[] stride;
    private final long offset;
    private final int item;
    private final int swapUnit;
    private final boolean contiguous;

    public RowMajorRegion(Tensor t) {
        super(Tensors.numel(t.shape()), t.dtype().itemSize());
        this.shape = t.shape();
        this.stride = t.stride();
        this.offset = t.storageOffset();
        this.item = t.dtype().itemSize();
        this.swapUnit = t.storage().order() == ByteOrder.BIG_ENDIAN ? StorageStreamer.swapUnit(t.dtype()) : 1;
        this.contiguous = t.isContiguous();
        this.source = size() == 0 ? null : t.storage().data();
    }

    /** A contiguous little-endian tensor with the same values (the tensor itself when it already is one). */
    public static Tensor contiguous(Tensor t) {
        if (t.isContiguous() && t.storageOffset() == 0 && t.storage().order() == ByteOrder.LITTLE_ENDIAN
                && t.storage().byteSize() == t.numel() * t.dtype().itemSize()) {
            return t;
        }
        DType dtype = t.dtype();
        Storage s = Storage.ofBytes(t.storage().key(), dtype, new RowMajorRegion(t), ByteOrder.LITTLE_ENDIAN);
        Tensor c = new Tensor(dtype, t.shape(), Tensor.contiguousStrides(t.shape()), 0, s, t.requiresGrad(), t.isParameter(), t.quantization());
        return c;
    }

    @Override protected void readElements(long first, int count, byte[] dst, int off) {
        if (contiguous) {
            source.copyTo((offset + first) * item, dst, off, count * item);
        } else {
            // Odometer over the multi-index of element `first`; runs along a stride-1 last dim are bulk copies.
            int dims = shape.length;
            long[] index = new long[dims];
            long rest = first;
            for (int d = dims - 1; d >= 0; d--) {
                index[d] = rest % shape[d];
                rest /= shape[d];
            }
            int done = 0;
            while (done < count) {
                long pos = offset;
                for (int d = 0; d < dims; d++) pos += index[d] * stride[d];
                int last = dims - 1;
                int run = 1;
                if (stride[last] == 1) run = (int) Math.min(count - done, shape[last] - index[last]);
                source.copyTo(pos * item, dst, off + done * item, run * item);
                done += run;
                index[last] += run;
                for (int d = last; d > 0 && index[d] >= shape[d]; d--) {
                    index[d] = 0;
                    index[d - 1]++;
                }
            }
        }
        if (swapUnit > 1) {
            for (int start = off, end = off + count * item; start < end; start += swapUnit) {
                for (int i = start, j = start + swapUnit - 1; i < j; i++, j--) {
                    byte b = dst[i];
                    dst[i] = dst[j];
                    dst[j] = b;
                }
            }
        }
    }
}
