package dev.torch4j.elements;

import dev.torch4j.tensor.Tensors;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Copies storage bytes from a (usually memory-mapped) region to an output in bounded chunks, so
 * tensors of any size pass through a fixed amount of heap. Big-endian sources are byte-swapped
 * element by element on the way, because every file torch4j writes is little-endian.
 */
public final class StorageStreamer {
    /** 1 MiB: a multiple of every element size, small enough to stay off the heap's radar. */
    public static final int CHUNK = 1 << 20;

    /** Receives consecutive chunks; the buffer is only valid during the call. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(ByteBuffer chunk) throws IOException;
    }

    private StorageStreamer() {}

    /**
     * Streams {@code [offset, offset+length)} of {@code source} as little-endian elements of {@code dtype}.
     * @param order byte order of the source elements
     */
    public static void copy(ByteRegion source, long offset, long length, DType dtype, ByteOrder order,
                            ChunkSink sink) throws IOException {
        int swapUnit = order == ByteOrder.BIG_ENDIAN ? swapUnit(dtype) : 1;
        byte[] scratch = swapUnit > 1 ? new byte[(int) Math.min(CHUNK, Math.max(length, 1))] : null;
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(CHUNK, length - done);
            if (swapUnit > 1) {
                source.copyTo(offset + done, scratch, 0, n);
                swap(scratch, n, swapUnit);
                sink.accept(ByteBuffer.wrap(scratch, 0, n));
            } else {
                sink.accept(source.slice(offset + done, n));
            }
            done += n;
        }
    }

    /** Streams a tensor's elements in row-major order, little-endian: its storage bytes directly when contiguous. */
    public static void copyRowMajor(Tensor t, ChunkSink sink) throws IOException {
        long bytes = Tensors.numel(t.shape()) * t.dtype().itemSize();
        if (bytes == 0) return;
        if (t.isContiguous()) {
            copy(t.storage().data(), t.storageOffset() * t.dtype().itemSize(), bytes, t.dtype(), t.storage().order(), sink);
        } else {
            copy(new RowMajorRegion(t), 0, bytes, t.dtype(), ByteOrder.LITTLE_ENDIAN, sink);
        }
    }

    /** Bytes per byte-swapped unit: complex numbers swap their real and imaginary halves separately. */
    static int swapUnit(DType dtype) {
        return dtype.kind() == DType.Kind.COMPLEX ? dtype.itemSize() / 2 : dtype.itemSize();
    }

    private static void swap(byte[] b, int n, int unit) {
        for (int start = 0; start + unit <= n; start += unit) {
            for (int i = start, j = start + unit - 1; i < j; i++, j--) {
                byte t = b[i];
                b[i] = b[j];
                b[j] = t;
            }
        }
    }
}
