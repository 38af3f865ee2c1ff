package dev.torch4j.tensor;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.io.MappedFileAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strided views read back exactly as PyTorch's {@code .contiguous()}, {@code .float()}, {@code .double()}, {@code .long()}. */
class TensorViewsTest {
    @TempDir static Path tmp;

    static List<TensorFixtures.ViewCase> cases() {
        List<TensorFixtures.ViewCase> all = TensorFixtures.views();
        assertTrue(all.size() >= 20);
        return all;
    }

    private static Tensor tensor(TensorFixtures.ViewCase c, ByteRegion bytes, ByteOrder order) {
        Storage s = Storage.ofBytes("0", c.dtype(), bytes, order);
        return new Tensor(c.dtype(), c.longs("shape"), c.longs("stride"), c.offset(), s);
    }

    @ParameterizedTest @MethodSource("cases")
    void littleEndianStorage(TensorFixtures.ViewCase c) throws Exception {
        check(c, tensor(c, new HeapRegion(c.bytes("storage")), ByteOrder.LITTLE_ENDIAN));
    }

    @ParameterizedTest @MethodSource("cases")
    void bigEndianStorage(TensorFixtures.ViewCase c) throws Exception {
        check(c, tensor(c, new HeapRegion(c.bytes("storage_be")), ByteOrder.BIG_ENDIAN));
    }

    /** size(d)/stride(d) are PyTorch's t.size(d)/t.stride(d); the tensor keeps its own arrays (possibly shared). */
    @ParameterizedTest @MethodSource("cases")
    void sizeAndStrideByDimension(TensorFixtures.ViewCase c) {
        long[] shape = c.longs("shape");
        long[] stride = c.longs("stride");
        Tensor t = new Tensor(c.dtype(), shape, stride, c.offset(),
                Storage.ofBytes("0", c.dtype(), new HeapRegion(c.bytes("storage")), ByteOrder.LITTLE_ENDIAN));
        long[] expectedShape = shape.clone();
        long[] expectedStride = stride.clone();
        java.util.Arrays.fill(shape, 7); // the caller's arrays are not the tensor's
        java.util.Arrays.fill(stride, 7);
        assertEquals(expectedShape.length, t.dim());
        for (int d = 0; d < t.dim(); d++) {
            assertEquals(expectedShape[d], t.size(d), c.name());
            assertEquals(expectedStride[d], t.stride(d), c.name());
        }
        assertArrayEquals(expectedShape, t.shape(), c.name());
        assertArrayEquals(expectedStride, t.stride(), c.name());
    }

    /** Mapped in 8-byte chunks, so nearly every run crosses a chunk boundary. */
    @ParameterizedTest @MethodSource("cases")
    void mappedInTinyChunks(TensorFixtures.ViewCase c) throws Exception {
        Path file = Files.write(tmp.resolve(c.name() + ".bin"), c.bytes("storage"));
        try (var mapped = MappedFileAccess.open(file, 8)) {
            check(c, tensor(c, mapped, ByteOrder.LITTLE_ENDIAN));
        }
    }

    private static void check(TensorFixtures.ViewCase c, Tensor t) throws Exception {
        byte[] rowMajor = c.bytes("rowmajor");
        assertEquals(c.contiguous(), t.isContiguous(), "is_contiguous");
        assertArrayEquals(rowMajor, t.toByteArray(), "row-major bytes");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rowMajor));
        assertEquals(sha, t.sha256());
        var streamed = new java.io.ByteArrayOutputStream();
        t.writeTo(streamed);
        assertArrayEquals(rowMajor, streamed.toByteArray(), "writeTo");

        Tensor contiguous = t.contiguous();
        assertTrue(contiguous.isContiguous());
        assertArrayEquals(rowMajor, contiguous.toByteArray());
        assertArrayEquals(t.shape(), contiguous.shape());
        if (t.isContiguous() && t.storage().order() == ByteOrder.nativeOrder()) assertSame(t, contiguous);

        ByteBuffer buf = t.asByteBuffer();
        assertTrue(buf.isReadOnly());
        assertEquals(ByteOrder.LITTLE_ENDIAN, buf.order());
        byte[] fromBuf = new byte[buf.remaining()];
        buf.duplicate().get(fromBuf);
        assertArrayEquals(rowMajor, fromBuf, "asByteBuffer");

        byte[] f32 = c.bytes("float32");
        if (f32 != null) {
            float[] values = t.toFloatArray();
            ByteBuffer expected = ByteBuffer.wrap(f32).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(f32.length / 4, values.length);
            for (int i = 0; i < values.length; i++) {
                assertEquals(expected.getInt(), Float.floatToRawIntBits(values[i]), "float " + i);
            }
        }
        byte[] f64 = c.bytes("float64");
        if (f64 != null) {
            double[] values = t.toDoubleArray();
            ByteBuffer expected = ByteBuffer.wrap(f64).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(f64.length / 8, values.length);
            for (int i = 0; i < values.length; i++) {
                assertEquals(expected.getLong(), Double.doubleToRawLongBits(values[i]), "double " + i);
            }
        }
        byte[] i64 = c.bytes("int64");
        if (i64 != null) {
            long[] expected = new long[i64.length / 8];
            ByteBuffer.wrap(i64).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(expected);
            assertArrayEquals(expected, t.toLongArray());
            boolean[] truth = t.toBooleanArray();
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i] != 0, truth[i]);
            if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
                int[] ints = t.toIntArray();
                for (int i = 0; i < expected.length; i++) assertEquals(expected[i], ints[i]);
            }
        } else {
            assertThrows(IllegalStateException.class, t::toLongArray);
        }
        if (c.dtype().kind() == DType.Kind.COMPLEX) {
            // Interleaved (real, imaginary) pairs: the row-major bytes read as the component type.
            double[] values = t.toDoubleArray();
            ByteBuffer raw = ByteBuffer.wrap(rowMajor).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                assertEquals(c.dtype() == DType.COMPLEX128 ? raw.getDouble() : raw.getFloat(), v);
            }
        }
    }

    @Test void intValuesOutsideIntRangeAreRefused() {
        TensorFixtures.ViewCase c = cases().stream().filter(v -> v.name().equals("transpose_i64")).findFirst().orElseThrow();
        Tensor t = tensor(c, new HeapRegion(c.bytes("storage")), ByteOrder.LITTLE_ENDIAN);
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toIntArray);
        assertTrue(e.getMessage().contains("does not fit in an int"), e.getMessage());
    }

    @Test void quantizedAndUnsignedReadAsIntegers() {
        byte[] bytes = {(byte) 0xFF, 0x01, (byte) 0x80, 0x7F};
        Storage s = Storage.ofBytes("0", null, new HeapRegion(bytes), ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new long[] {-1, 1, -128, 127}, new Tensor(DType.QINT8, new long[] {4}, new long[] {1}, 0, s).toLongArray());
        assertArrayEquals(new long[] {255, 1, 128, 127}, new Tensor(DType.QUINT8, new long[] {4}, new long[] {1}, 0, s).toLongArray());
        assertArrayEquals(new long[] {255, 1, 128, 127}, new Tensor(DType.QUINT4X2, new long[] {4}, new long[] {1}, 0, s).toLongArray());
        assertArrayEquals(new long[] {0x7F8001FFL}, new Tensor(DType.UINT32, new long[] {1}, new long[] {1}, 0, s).toLongArray());
        assertArrayEquals(new long[] {0x7F8001FF}, new Tensor(DType.QINT32, new long[] {1}, new long[] {1}, 0, s).toLongArray());
        assertArrayEquals(new long[] {0x01FF, 0x7F80}, new Tensor(DType.UINT16, new long[] {2}, new long[] {1}, 0, s).toLongArray());
        byte[] u64 = new byte[8];
        java.util.Arrays.fill(u64, (byte) 0xFF);
        Storage big = Storage.ofBytes("1", null, new HeapRegion(u64), ByteOrder.LITTLE_ENDIAN);
        Tensor max = new Tensor(DType.UINT64, new long[] {1}, new long[] {1}, 0, big);
        assertArrayEquals(new long[] {-1L}, max.toLongArray()); // raw bits
        assertEquals(0x1p64, max.toDoubleArray()[0]);
        assertEquals(0x1p64f, max.toFloatArray()[0]);
    }

    @Test void float8TensorsDecode() {
        byte[] bytes = {0x7E, 0x38, 0x01, (byte) 0xFE};
        Storage s = Storage.ofBytes("0", null, new HeapRegion(bytes), ByteOrder.LITTLE_ENDIAN);
        Tensor t = new Tensor(DType.FLOAT8_E4M3FN, new long[] {2, 2}, new long[] {1, 2}, 0, s);
        assertArrayEquals(new float[] {448f, 0x1p-9f, 1f, -448f}, t.toFloatArray());
    }
}
