package dev.torch4j.tensor;

import dev.torch4j.elements.ElementDecoder;
import dev.torch4j.elements.FastPaths;
import dev.torch4j.elements.RowMajorReader;
import dev.torch4j.io.HeapRegion;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Reading tensor elements out of storages: gathers views, swaps byte order, converts dtypes. */
final class TensorData {
    /** Elements converted per step: bounds the scratch buffer whatever the tensor size. */
    private static final int CHUNK_ELEMENTS = 1 << 16;
    /** Elements decoded per step straight from a mapping (each slice stays far below 2 GiB). */
    private static final int MAPPED_CHUNK_ELEMENTS = 1 << 20;
    private static final int HASH_CHUNK_BYTES = 1 << 20;
    /** The largest Java array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private TensorData() {}

    static byte[] rowMajorLittleEndian(Tensor t) {
        int n = arrayLength(t, t.numel(), t.dtype().itemSize(), "bytes");
        byte[] out = new byte[n];
        new RowMajorReader(t).read(out, 0, (int) t.numel());
        return out;
    }

    static ByteBuffer asByteBuffer(Tensor t) {
        ByteOrder nativeOrder = ByteOrder.nativeOrder();
        long numel = t.numel();
        int size = arrayLength(t, numel, t.dtype().itemSize(), "bytes");
        if (numel == 0) return ByteBuffer.allocate(0).asReadOnlyBuffer().order(nativeOrder);
        if (t.isContiguous() && orderOf(t.storage()) == nativeOrder) {
            return t.storage().data().slice(t.storageOffset() * t.dtype().itemSize(), size).order(nativeOrder);
        }
        return ByteBuffer.wrap(nativeBytes(t)).asReadOnlyBuffer().order(nativeOrder);
    }

    static Tensor contiguous(Tensor t) {
        ByteOrder nativeOrder = ByteOrder.nativeOrder();
        if (t.isContiguous() && orderOf(t.storage()) == nativeOrder) return t;
        Storage copy = Storage.ofBytes(t.storage().key(), t.dtype(), new HeapRegion(nativeBytes(t)), nativeOrder);
        long[] shape = t.shape();
        return new Tensor(t.dtype(), shape, TensorLayout.contiguousStrides(shape), 0, copy,
                t.requiresGrad(), t.isParameter(), t.quantization());
    }

    /** Row-major bytes in the platform's order (little-endian on every platform Java ships for, in practice). */
    private static byte[] nativeBytes(Tensor t) {
        byte[] bytes = rowMajorLittleEndian(t);
        if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN) {
            DType d = t.dtype();
            int unit = d.kind() == DType.Kind.COMPLEX ? d.itemSize() / 2 : d.itemSize();
            if (unit > 1) FastPaths.swapBytes(bytes, 0, bytes.length, unit);
        }
        return bytes;
    }

    private static ByteOrder orderOf(Storage s) {
        return s.order() == null ? ByteOrder.LITTLE_ENDIAN : s.order();
    }

    static void writeTo(Tensor t, java.io.OutputStream out) throws java.io.IOException {
        int item = t.dtype().itemSize();
        int perChunk = Math.max(1, HASH_CHUNK_BYTES / item);
        byte[] buf = new byte[(int) Math.min(perChunk, Math.max(1, t.numel())) * item];
        RowMajorReader reader = new RowMajorReader(t);
        while (reader.remaining() > 0) {
            int n = reader.read(buf, 0, buf.length / item);
            out.write(buf, 0, n * item);
        }
    }

    static String sha256(Tensor t, long maxLogicalBytes) {
        if (t.byteSize() > maxLogicalBytes) {
            throw new java.io.UncheckedIOException(new java.io.IOException("tensor of shape "
                    + java.util.Arrays.toString(t.shape()) + " and stride " + java.util.Arrays.toString(t.stride())
                    + " has " + t.byteSize() + " logical bytes, over the hashing limit of " + maxLogicalBytes
                    + " (Tensor.sha256(maxLogicalBytes); inspect --max-hash-bytes)"));
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e); // every Java platform must ship it
        }
        int item = t.dtype().itemSize();
        // Buffer no bigger than the tensor: hashing many small tensors must not allocate 1 MiB each.
        int perChunk = (int) Math.min(Math.max(1, HASH_CHUNK_BYTES / item), Math.max(1, t.numel()));
        byte[] buf = new byte[perChunk * item];
        RowMajorReader reader = new RowMajorReader(t);
        while (reader.remaining() > 0) {
            int n = reader.read(buf, 0, perChunk);
            md.update(buf, 0, n * item);
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** Complex tensors give (real, imaginary) pairs, so twice as many values as elements. */
    static float[] toFloatArray(Tensor t) {
        DType d = t.dtype();
        int perElement = valuesPerElement(d);
        float[] out = new float[arrayLength(t, t.numel(), perElement, "values")];
        if (FastPaths.decodes(d) && decodeMapped(t, out)) return out;
        convert(t, (buf, n, pos) -> ElementDecoder.floats(d, buf, n, out, pos * perElement));
        return out;
    }

    /**
     * A contiguous little-endian tensor in a mapped file decodes straight from the mapping into
     * {@code out}, skipping the copy into a scratch array. False (nothing written) when the bytes
     * are not one direct buffer, so the caller takes the general path.
     */
    private static boolean decodeMapped(Tensor t, float[] out) {
        if (out.length == 0 || !t.isContiguous() || orderOf(t.storage()) != ByteOrder.LITTLE_ENDIAN) return false;
        DType d = t.dtype();
        int item = d.itemSize();
        long start = t.storageOffset() * item;
        ByteBuffer[] parts = new ByteBuffer[(out.length + MAPPED_CHUNK_ELEMENTS - 1) / MAPPED_CHUNK_ELEMENTS];
        for (int i = 0; i < parts.length; i++) {
            int n = Math.min(MAPPED_CHUNK_ELEMENTS, out.length - i * MAPPED_CHUNK_ELEMENTS);
            ByteBuffer b = t.storage().data().trySlice(start + (long) i * MAPPED_CHUNK_ELEMENTS * item, n * item);
            if (b == null || !b.isDirect()) return false; // heap bytes: the general path is as fast
            parts[i] = b;
        }
        for (int i = 0; i < parts.length; i++) {
            int n = parts[i].remaining() / item;
            FastPaths.decode(d, parts[i], out, i * MAPPED_CHUNK_ELEMENTS, n);
        }
        return true;
    }

    /** Complex tensors give (real, imaginary) pairs, so twice as many values as elements. */
    static double[] toDoubleArray(Tensor t) {
        DType d = t.dtype();
        int perElement = valuesPerElement(d);
        double[] out = new double[arrayLength(t, t.numel(), perElement, "values")];
        convert(t, (buf, n, pos) -> ElementDecoder.doubles(d, buf, n, out, pos * perElement));
        return out;
    }

    /** Integer, unsigned, bool and quantized (integer representation) tensors; uint64 as its raw bits. */
    static long[] toLongArray(Tensor t) {
        DType d = t.dtype();
        requireIntegral(d, "long");
        long[] out = new long[arrayLength(t, t.numel(), 1, "values")];
        convert(t, (buf, n, pos) -> ElementDecoder.longs(d, buf, n, out, pos));
        return out;
    }

    /** Like {@link #toLongArray} but every value must fit in an int. */
    static int[] toIntArray(Tensor t) {
        DType d = t.dtype();
        requireIntegral(d, "int");
        int[] out = new int[arrayLength(t, t.numel(), 1, "values")];
        long[] scratch = new long[CHUNK_ELEMENTS];
        convert(t, (buf, n, pos) -> {
            ElementDecoder.longs(d, buf, n, scratch, 0);
            for (int i = 0; i < n; i++) {
                long v = scratch[i];
                if ((int) v != v) {
                    throw new IllegalStateException(d.pythonName() + " element " + (pos + i) + " = "
                            + (d == DType.UINT64 ? Long.toUnsignedString(v) : Long.toString(v)) + " does not fit in an int");
                }
                out[pos + i] = (int) v;
            }
        });
        return out;
    }

    /** Non-zero means true (NaN too, as in PyTorch's cast to bool). */
    static boolean[] toBooleanArray(Tensor t) {
        DType d = t.dtype();
        if (d.kind() == DType.Kind.COMPLEX) throw new IllegalStateException("complex tensor has no boolean value");
        boolean[] out = new boolean[arrayLength(t, t.numel(), 1, "values")];
        if (d.kind() == DType.Kind.FLOAT) {
            double[] scratch = new double[CHUNK_ELEMENTS];
            convert(t, (buf, n, pos) -> {
                ElementDecoder.doubles(d, buf, n, scratch, 0);
                for (int i = 0; i < n; i++) out[pos + i] = scratch[i] != 0;
            });
        } else {
            long[] scratch = new long[CHUNK_ELEMENTS];
            convert(t, (buf, n, pos) -> {
                ElementDecoder.longs(d, buf, n, scratch, 0);
                for (int i = 0; i < n; i++) out[pos + i] = scratch[i] != 0;
            });
        }
        return out;
    }

    @FunctionalInterface
    private interface ChunkSink {
        /** {@code n} elements as little-endian bytes in {@code buf}, the first being element {@code pos}. */
        void accept(byte[] buf, int n, int pos);
    }

    private static void convert(Tensor t, ChunkSink sink) {
        RowMajorReader reader = new RowMajorReader(t);
        byte[] buf = new byte[(int) Math.min(CHUNK_ELEMENTS, Math.max(1, t.numel())) * t.dtype().itemSize()];
        int perChunk = buf.length / t.dtype().itemSize();
        int pos = 0;
        while (reader.remaining() > 0) {
            int n = reader.read(buf, 0, perChunk);
            sink.accept(buf, n, pos);
            pos += n;
        }
    }

    private static int valuesPerElement(DType d) {
        return d.kind() == DType.Kind.COMPLEX ? 2 : 1;
    }

    private static void requireIntegral(DType d, String target) {
        if (d.kind() == DType.Kind.FLOAT || d.kind() == DType.Kind.COMPLEX) {
            throw new IllegalStateException(d.pythonName() + " tensor cannot be read as " + target
                    + " values; use toFloatArray or toDoubleArray");
        }
    }

    private static int arrayLength(Tensor t, long count, int per, String what) {
        if (count > MAX_ARRAY / per) {
            throw new IllegalStateException(t + " has " + count + " elements, too many " + what
                    + " for one Java array; read it in parts or use sha256()");
        }
        return (int) count * per;
    }
}
