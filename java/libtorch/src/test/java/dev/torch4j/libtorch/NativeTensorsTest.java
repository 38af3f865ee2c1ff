package dev.torch4j.libtorch;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.io.MappedFile;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * torch4j tensors (strided views, offsets, every plain dtype, both byte orders) handed to libtorch,
 * checked against the values PyTorch reported for the same views (views.tsv).
 */
class NativeTensorsTest {
    /** One row of views.tsv: how PyTorch laid the tensor out, and its values. */
    record View(String name, DType dtype, long[] shape, long[] stride, long offset, long storageBytes, double[] values) {}

    static List<View> views;

    @BeforeAll
    static void ready() throws IOException {
        Oracle.assumeReady();
        views = new ArrayList<>();
        for (String[] r : Oracle.tsv("views.tsv")) {
            views.add(new View(r[0], DType.fromPythonName(r[1]), Oracle.longs(r[2]), Oracle.longs(r[3]),
                    Long.parseLong(r[4]), Long.parseLong(r[5]), Oracle.doubles(r[6])));
        }
        assertEquals(14, views.size());
    }

    static Tensor tensorOver(View v, ByteRegion region, ByteOrder order) {
        Storage s = Storage.ofBytes(v.name(), v.dtype(), region, order);
        return new Tensor(v.dtype(), v.shape(), v.stride(), v.offset(), s);
    }

    static Path storageFile(View v, String order) throws IOException {
        return Oracle.fixture("views/" + v.name() + "." + order + ".bin");
    }

    /** The libtorch tensor's values as float64, computed by libtorch itself. */
    static double[] nativeValues(org.bytedeco.pytorch.Tensor n) {
        try (PointerScope scope = new PointerScope()) {
            org.bytedeco.pytorch.Tensor d = n.to(ScalarType.Double).contiguous();
            double[] out = new double[(int) d.numel()];
            if (out.length > 0) new DoublePointer(d.data_ptr()).capacity(out.length).get(out);
            return out;
        }
    }

    static void assertSameLayout(View v, org.bytedeco.pytorch.Tensor n) {
        assertArrayEquals(v.shape(), n.sizes().vec().get(), v.name() + " shape");
        assertEquals(v.dtype(), DTypes.fromNative(n.scalar_type()), v.name() + " dtype");
        assertArrayEquals(v.values(), nativeValues(n), 0.0, v.name() + " values");
    }

    @Test
    void mappedLittleEndianViewsAreZeroCopy() throws IOException {
        for (View v : views) {
            if (v.storageBytes() == 0) continue; // an empty file cannot be mapped; see emptyTensors
            try (MappedFile file = MappedFile.open(storageFile(v, "le"));
                 TensorArena arena = new TensorArena()) {
                org.bytedeco.pytorch.Tensor n = arena.borrow(tensorOver(v, file, ByteOrder.LITTLE_ENDIAN));
                assertSameLayout(v, n);
                assertArrayEquals(v.stride(), n.strides().vec().get(), v.name() + " strides kept");
                long mappedBase = NativeTensors.address(new org.bytedeco.javacpp.BytePointer(file.slice(0, 1)));
                assertEquals(mappedBase + v.offset() * v.dtype().itemSize(), NativeTensors.address(n.data_ptr()),
                        v.name() + ": libtorch reads the mapped file itself");
                assertEquals(1, arena.liveBorrows());
            }
        }
        assertEquals(0, TensorArena.pinnedGlobally(), "every borrow released once the arenas closed");
    }

    @Test
    void tensorsReadByTorch4jFromATorchSaveFileAreHandedOverZeroCopy() throws IOException {
        try (Checkpoint ckpt = Torch.open(Oracle.fixture("views.pt")); TensorArena arena = new TensorArena()) {
            Map<String, Tensor> tensors = ckpt.tensors();
            assertEquals(views.stream().map(View::name).toList(), List.copyOf(tensors.keySet()));
            int nonEmpty = 0;
            for (View v : views) {
                org.bytedeco.pytorch.Tensor n = arena.borrow(tensors.get(v.name()));
                assertSameLayout(v, n);
                if (v.values().length > 0) nonEmpty++;
            }
            assertEquals(nonEmpty, arena.liveBorrows(), "every non-empty tensor points into the mapped archive");
        }
        assertEquals(0, TensorArena.pinnedGlobally());
    }

    @Test
    void bigEndianStoragesAreSwappedInACopy() throws IOException {
        for (View v : views) {
            byte[] be = Files.readAllBytes(storageFile(v, "be"));
            try (TensorArena arena = new TensorArena()) {
                org.bytedeco.pytorch.Tensor n = arena.borrow(tensorOver(v, new HeapRegion(be), ByteOrder.BIG_ENDIAN));
                assertSameLayout(v, n);
                assertEquals(0, arena.liveBorrows(), "a copy pins nothing");
            }
        }
    }

    @Test
    void viewsCrossingMappingChunksAreCopied() throws IOException {
        for (View v : views) {
            byte[] le = Files.readAllBytes(storageFile(v, "le"));
            // A region that cannot hand out one contiguous buffer, like a slice across two file mappings.
            ByteRegion split = new CopyingRegion(le);
            try (TensorArena arena = new TensorArena()) {
                assertSameLayout(v, arena.borrow(tensorOver(v, split, ByteOrder.LITTLE_ENDIAN)));
            }
        }
    }

    @Test
    void copiesAreContiguousAndOwnedByLibtorch() throws IOException {
        View v = view("sliced");
        try (MappedFile file = MappedFile.open(storageFile(v, "le"))) {
            org.bytedeco.pytorch.Tensor c = NativeTensors.copy(tensorOver(v, file, ByteOrder.LITTLE_ENDIAN));
            try {
                assertTrue(c.is_contiguous());
                assertSameLayout(v, c);
                assertEquals(0, TensorArena.pinnedGlobally());
            } finally {
                c.close();
            }
        }
    }

    @Test
    void libtorchTensorsComeBackAsTorch4jTensors() throws IOException {
        for (View v : views) {
            byte[] le = Files.readAllBytes(storageFile(v, "le"));
            try (TensorArena arena = new TensorArena()) {
                Tensor back = NativeTensors.toTorch4j(arena.borrow(tensorOver(v, new HeapRegion(le), ByteOrder.LITTLE_ENDIAN)));
                assertEquals(v.dtype(), back.dtype(), v.name());
                assertArrayEquals(v.shape(), back.shape(), v.name());
                assertTrue(back.isContiguous(), v.name());
                assertArrayEquals(v.values(), back.toDoubleArray(), 0.0, v.name());
            }
        }
    }

    @Test
    void closingTheArenaDefersWhileLibtorchStillHoldsTheMemory() throws IOException {
        View v = view("f32");
        try (MappedFile file = MappedFile.open(storageFile(v, "le"))) {
            org.bytedeco.pytorch.Tensor alias;
            TensorArena arena = new TensorArena();
            org.bytedeco.pytorch.Tensor n = arena.borrow(tensorOver(v, file, ByteOrder.LITTLE_ENDIAN));
            alias = n.view(-1); // a view libtorch keeps on the same memory
            arena.close();
            assertEquals(1, arena.liveBorrows(), "memory stays pinned while the alias lives");
            assertEquals(1, TensorArena.pinnedGlobally());
            assertThrows(IllegalStateException.class, () -> arena.borrow(tensorOver(v, file, ByteOrder.LITTLE_ENDIAN)));
            // The alias still reads the right values after the owner closed.
            assertArrayEquals(v.values(), nativeValues(alias), 0.0);
            alias.close();
            assertEquals(0, arena.liveBorrows(), "released when libtorch dropped the alias");
            assertEquals(0, TensorArena.pinnedGlobally());
        }
    }

    @Test
    void emptyAndScalarTensors() throws IOException {
        try (TensorArena arena = new TensorArena()) {
            View e = view("empty");
            org.bytedeco.pytorch.Tensor n = arena.borrow(tensorOver(e, new HeapRegion(new byte[0]), ByteOrder.LITTLE_ENDIAN));
            assertArrayEquals(new long[] {0, 3}, n.sizes().vec().get());
            View s = view("scalar");
            Tensor scalar = tensorOver(s, new HeapRegion(Files.readAllBytes(storageFile(s, "le"))), ByteOrder.LITTLE_ENDIAN);
            assertSameLayout(s, arena.borrow(scalar));
            assertEquals(0, arena.borrow(scalar).dim());
        }
    }

    @Test
    void layoutsOutsideTheStorageAreRefused() {
        View v = view("f32");
        byte[] small = new byte[16];
        Storage s = Storage.ofBytes("s", DType.FLOAT32, new HeapRegion(small), ByteOrder.LITTLE_ENDIAN);
        try (TensorArena arena = new TensorArena()) {
            // Built around the constructor's own check, as a hostile or buggy reader might.
            Tensor t = withLayout(s, new long[] {8}, new long[] {1});
            if (t != null) assertThrows(IllegalArgumentException.class, () -> arena.borrow(t));
            Tensor q = new Tensor(DType.QINT8, new long[] {4}, new long[] {1}, 0,
                    Storage.ofBytes("q", DType.QINT8, new HeapRegion(new byte[4]), ByteOrder.LITTLE_ENDIAN));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> arena.borrow(q));
            assertTrue(e.getMessage().contains("quantized"), e.getMessage());
        }
        assertNotEquals(null, v);
    }

    /** A tensor whose view overruns its storage, or null when torch4j-core's constructor already refuses it. */
    private static Tensor withLayout(Storage s, long[] shape, long[] stride) {
        try {
            return new Tensor(DType.FLOAT32, shape, stride, 0, s);
        } catch (IllegalArgumentException refusedEarlier) {
            return null;
        }
    }

    static View view(String name) {
        return views.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    /** Bytes that are only ever handed out as copies (heap buffers), never as one direct buffer. */
    static final class CopyingRegion implements ByteRegion {
        private final HeapRegion bytes;

        CopyingRegion(byte[] b) {
            bytes = new HeapRegion(b);
        }

        @Override public long size() { return bytes.size(); }
        @Override public byte get(long offset) { return bytes.get(offset); }
        @Override public void copyTo(long offset, byte[] dst, int dstOffset, int length) { bytes.copyTo(offset, dst, dstOffset, length); }
        @Override public ByteBuffer slice(long offset, int length) {
            byte[] copy = new byte[length];
            bytes.copyTo(offset, copy, 0, length);
            return ByteBuffer.wrap(copy).asReadOnlyBuffer();
        }
        @Override public ByteRegion subRegion(long offset, long length) { return bytes.subRegion(offset, length); }
    }
}
