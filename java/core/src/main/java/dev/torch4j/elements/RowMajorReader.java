package dev.torch4j.elements;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.io.ByteRegion;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a tensor view's elements in row-major order as little-endian bytes, chunk by chunk, so
 * any view (strided, expanded, offset, over 2 GiB) can be hashed or converted without holding
 * it all. Dimensions are first coalesced (size-1 dims dropped, dims that step like one merged),
 * so the innermost run is as long as possible: a contiguous run becomes one bulk copy, a stride-0
 * run one read plus doubling copies, and only truly strided runs go element by element.
 */
public final class RowMajorReader {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteRegion src;
    private final int item;
    /** Bytes reversed per unit when the storage is big-endian (an element, or half a complex); 1 = none. */
    private final int swapUnit;
    private final boolean bool;
    private final long[] outerSize;
    private final long[] outerStride;
    private final long innerSize;
    private final long innerStride;
    private final long[] index;
    private long rowBase;
    private long posInRow;
    private long remaining;
    /** Zero-copy little-endian view of every byte the tensor touches, when one exists (strided runs only). */
    private ByteBuffer window;
    private long windowStart;

    public RowMajorReader(Tensor t) {
        DType dtype = t.dtype();
        this.item = dtype.itemSize();
        this.bool = dtype == DType.BOOL;
        ByteOrder order = t.storage().order();
        boolean bigEndian = order == ByteOrder.BIG_ENDIAN;
        int unit = dtype.kind() == DType.Kind.COMPLEX ? item / 2 : item;
        this.swapUnit = bigEndian ? unit : 1;
        this.remaining = t.numel();
        this.src = remaining == 0 ? null : t.storage().data();

        long[] shape = t.shape();
        long[] stride = t.stride();
        List<long[]> dims = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            if (!dims.isEmpty()) {
                long[] prev = dims.get(dims.size() - 1);
                if (prev[1] == stride[i] * shape[i]) { // prev steps over exactly one run of this dim
                    prev[0] *= shape[i];
                    prev[1] = stride[i];
                    continue;
                }
            }
            dims.add(new long[] {shape[i], stride[i]});
        }
        if (dims.isEmpty()) dims.add(new long[] {1, 1});
        long[] inner = dims.remove(dims.size() - 1);
        this.innerSize = inner[0];
        this.innerStride = inner[1];
        this.outerSize = new long[dims.size()];
        this.outerStride = new long[dims.size()];
        for (int i = 0; i < dims.size(); i++) {
            outerSize[i] = dims.get(i)[0];
            outerStride[i] = dims.get(i)[1];
        }
        this.index = new long[dims.size()];
        this.rowBase = t.storageOffset();

        if (remaining > 0 && innerStride > 1) {
            long last = t.storageOffset();
            for (int i = 0; i < shape.length; i++) last += (shape[i] - 1) * stride[i];
            long span = (last - t.storageOffset() + 1) * item;
            if (span <= Integer.MAX_VALUE) {
                ByteBuffer w = src.trySlice(t.storageOffset() * item, (int) span);
                if (w != null) {
                    window = w.order(ByteOrder.LITTLE_ENDIAN);
                    windowStart = t.storageOffset();
                }
            }
        }
    }

    public long remaining() { return remaining; }

    /**
     * Writes up to {@code maxElements} next elements into {@code dst[off..]} as little-endian bytes;
     * returns how many (fewer only at the end).
     */
    public int read(byte[] dst, int off, int maxElements) {
        int count = (int) Math.min(maxElements, remaining);
        int done = 0;
        while (done < count) {
            int n = (int) Math.min(count - done, innerSize - posInRow);
            int at = off + done * item;
            long first = rowBase + posInRow * innerStride;
            if (innerStride == 1) {
                src.copyTo(first * item, dst, at, n * item);
            } else if (innerStride == 0) {
                src.copyTo(first * item, dst, at, item);
                for (int filled = item, total = n * item; filled < total; filled *= 2) {
                    System.arraycopy(dst, at, dst, at + filled, Math.min(filled, total - filled));
                }
            } else {
                gatherStrided(first, n, dst, at);
            }
            done += n;
            posInRow += n;
            if (posInRow == innerSize) nextRow();
        }
        remaining -= count;
        if (swapUnit > 1) FastPaths.swapBytes(dst, off, count * item, swapUnit);
        if (bool) {
            for (int i = off, end = off + count; i < end; i++) dst[i] = dst[i] != 0 ? (byte) 1 : (byte) 0;
        }
        return count;
    }

    private void nextRow() {
        posInRow = 0;
        for (int d = index.length - 1; d >= 0; d--) {
            rowBase += outerStride[d];
            if (++index[d] < outerSize[d]) return;
            rowBase -= outerStride[d] * outerSize[d];
            index[d] = 0;
        }
    }

    private void gatherStrided(long first, int n, byte[] dst, int at) {
        ByteBuffer w = window;
        if (w == null) {
            for (int i = 0; i < n; i++) src.copyTo((first + i * innerStride) * item, dst, at + i * item, item);
            return;
        }
        int p = (int) ((first - windowStart) * item);
        int step = (int) (innerStride * item); // within the window, so within int range
        switch (item) {
            case 1 -> { for (int i = 0; i < n; i++, p += step) dst[at + i] = w.get(p); }
            case 2 -> { for (int i = 0; i < n; i++, p += step) SHORT.set(dst, at + 2 * i, w.getShort(p)); }
            case 4 -> { for (int i = 0; i < n; i++, p += step) INT.set(dst, at + 4 * i, w.getInt(p)); }
            case 8 -> { for (int i = 0; i < n; i++, p += step) LONG.set(dst, at + 8 * i, w.getLong(p)); }
            default -> { for (int i = 0; i < n; i++, p += step) w.get(p, dst, at + i * item, item); }
        }
    }

    /** Reverses the bytes of every {@code unit}-byte group in {@code b[off, off+len)}. */
    static void swap(byte[] b, int off, int len, int unit) {
        for (int g = off, end = off + len; g < end; g += unit) {
            for (int i = g, j = g + unit - 1; i < j; i++, j--) {
                byte x = b[i];
                b[i] = b[j];
                b[j] = x;
            }
        }
    }
}
