package dev.torch4j.tensor;

import dev.torch4j.elements.ElementDecoder;
import dev.torch4j.elements.RowMajorReader;

/**
 * Reads a tensor's elements as doubles in row-major order, a bounded chunk at a time, so statistics
 * and comparisons run over tensors of any size (views, big-endian storages, over 2 GiB) with a
 * fixed amount of memory. Complex tensors give two values per element (real, imaginary).
 *
 * <p>float32 and narrower floats widen exactly; float64 is read as it is; integers, bool and
 * quantized integer representations convert like Java's casts (int64 beyond 2^53 rounds).
 */
public final class ElementChunks {
    /** Elements per chunk when none is given: 512 KiB of doubles, small enough for any thread count. */
    public static final int DEFAULT_CHUNK_ELEMENTS = 1 << 16;

    private final DType dtype;
    private final RowMajorReader reader;
    private final int chunkElements;
    private final int valuesPerElement;
    private final byte[] bytes;
    /** Reused scratch for the dtype's natural Java type, so a chunk allocates nothing. */
    private final float[] floats;
    private final long[] longs;

    public ElementChunks(Tensor t) {
        this(t, DEFAULT_CHUNK_ELEMENTS);
    }

    public ElementChunks(Tensor t, int chunkElements) {
        if (chunkElements < 1) throw new IllegalArgumentException("chunkElements must be positive: " + chunkElements);
        this.dtype = t.dtype();
        this.reader = new RowMajorReader(t);
        // Never more scratch than the tensor needs: many small tensors must not each cost a full chunk.
        this.chunkElements = (int) Math.max(1, Math.min(chunkElements, t.numel()));
        this.valuesPerElement = dtype.kind() == DType.Kind.COMPLEX ? 2 : 1;
        this.bytes = new byte[this.chunkElements * dtype.itemSize()];
        boolean viaFloat = dtype.kind() == DType.Kind.FLOAT && dtype != DType.FLOAT64
                || dtype == DType.COMPLEX32 || dtype == DType.COMPLEX64;
        boolean viaLong = !viaFloat && dtype.kind() != DType.Kind.FLOAT && dtype.kind() != DType.Kind.COMPLEX;
        this.floats = viaFloat ? new float[this.chunkElements * valuesPerElement] : null;
        this.longs = viaLong ? new long[this.chunkElements] : null;
    }

    /** Values each element contributes: 2 for complex dtypes, else 1. */
    public int valuesPerElement() { return valuesPerElement; }

    /** The most values one {@link #next} call writes: size the destination array with this. */
    public int maxValuesPerChunk() { return chunkElements * valuesPerElement; }

    /** Elements not read yet. */
    public long remaining() { return reader.remaining(); }

    /**
     * Reads the next chunk into {@code dst[0..]} and returns how many values were written (0 at the
     * end). {@code dst} must hold {@link #maxValuesPerChunk()} values.
     */
    public int next(double[] dst) {
        if (dst.length < maxValuesPerChunk()) {
            throw new IllegalArgumentException("destination holds " + dst.length + " values, need " + maxValuesPerChunk());
        }
        int n = reader.read(bytes, 0, chunkElements);
        if (n == 0) return 0;
        int values = n * valuesPerElement;
        if (floats != null) {
            ElementDecoder.floats(dtype, bytes, n, floats, 0);
            for (int i = 0; i < values; i++) dst[i] = floats[i];
        } else if (longs != null) {
            ElementDecoder.longs(dtype, bytes, n, longs, 0);
            if (dtype == DType.UINT64) {
                for (int i = 0; i < n; i++) dst[i] = ElementDecoder.unsignedToDouble(longs[i]);
            } else {
                for (int i = 0; i < n; i++) dst[i] = longs[i];
            }
        } else {
            ElementDecoder.doubles(dtype, bytes, n, dst, 0); // float64 and complex128: no narrowing scratch
        }
        return values;
    }
}
