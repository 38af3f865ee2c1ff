package dev.torch4j.torchsave.zip;

import dev.torch4j.elements.StorageStreamer;
import dev.torch4j.tensor.Tensors;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The zip layout (checked with commons-compress, an independent reader) and the all-or-nothing guarantee. */
class TorchSaverLayoutTest {
    @TempDir Path dir;

    @Test void recordsAreStoredAlignedAndInPyTorchOrder() throws Exception {
        Map<String, Object> sd = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) sd.put("t" + i, Tensors.of(new float[]{i}, 1));
        Path file = dir.resolve("my.model.pt");
        TorchSaver.save(sd, file);
        List<String> names = new ArrayList<>();
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            for (ZipArchiveEntry e : Collections.list(zip.getEntriesInPhysicalOrder())) {
                names.add(e.getName());
                assertEquals(ZipArchiveEntry.STORED, e.getMethod(), e.getName());
                assertEquals(0, e.getDataOffset() % 64, e.getName() + " data offset " + e.getDataOffset());
            }
            assertEquals("1", read(zip, "my.model/.format_version"));
            assertEquals("64", read(zip, "my.model/.storage_alignment"));
            assertEquals("little", read(zip, "my.model/byteorder"));
            assertEquals("3\n", read(zip, "my.model/version"));
            assertTrue(read(zip, "my.model/.data/serialization_id").matches("[0-9]{40}"));
            byte[] t10 = zip.getInputStream(zip.getEntry("my.model/data/10")).readAllBytes();
            assertArrayEquals(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(10f).array(), t10);
        }
        // torch.save's order: data.pkl, metadata records, storages in sorted(key) string order, version, id.
        List<String> want = new ArrayList<>(List.of("data.pkl", ".format_version", ".storage_alignment", "byteorder"));
        for (String k : List.of("0", "1", "10", "11", "2", "3", "4", "5", "6", "7", "8", "9")) want.add("data/" + k);
        want.add("version");
        want.add(".data/serialization_id");
        assertEquals(want.stream().map(n -> "my.model/" + n).toList(), names);
    }

    @Test void sameContentGivesIdenticalFiles() throws Exception {
        Path a = dir.resolve("a.pt"), b = dir.resolve("sub.pt");
        Files.createDirectories(dir.resolve("x"));
        Path b2 = dir.resolve("x").resolve("a.pt");
        TorchSaver.save(Map.of("w", Tensors.of(new int[]{1, 2}, 2)), a);
        TorchSaver.save(Map.of("w", Tensors.of(new int[]{1, 2}, 2)), b2);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b2));
        assertFalse(Files.exists(b));
    }

    @Test void failureMidwayKeepsOldFileAndLeavesNoTemp() throws Exception {
        Path file = dir.resolve("keep.pt");
        Files.writeString(file, "old content");
        byte[] data = new byte[3 * StorageStreamer.CHUNK];
        Storage failing = new Storage("0", "cpu", DType.UINT8, data.length, ByteOrder.LITTLE_ENDIAN,
                () -> new FailingRegion(new HeapRegion(data), StorageStreamer.CHUNK + 10));
        Tensor t = new Tensor(DType.UINT8, new long[]{data.length}, new long[]{1}, 0, failing);
        IOException e = assertThrows(IOException.class, () -> TorchSaver.save(Map.of("big", t), file));
        assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
        assertEquals("old content", Files.readString(file));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "temporary file removed");
        }
    }

    @Test void noOverwriteWhenAsked() throws Exception {
        Path file = dir.resolve("exists.pt");
        Files.writeString(file, "x");
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> new TorchSaver().overwrite(false).saveTo(Map.of(), file));
        assertEquals("x", Files.readString(file));
    }

    @Test void unsupportedObjectsAreRejectedBeforeWriting() {
        Path file = dir.resolve("bad.pt");
        PyObject module = new PyObject(new PyGlobal("__main__", "Net"), PyTuple.EMPTY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchSaver.save(Map.of("model", module), file));
        assertTrue(e.getMessage().contains("root.model"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TorchSaver.save(new PyGlobal("os", "system"), file));
        assertThrows(IllegalArgumentException.class, () -> TorchSaver.save(new Object(), file));
        assertFalse(Files.exists(file));
    }

    @Test void deepNestingIsAnErrorNotAStackOverflow() {
        List<Object> root = new ArrayList<>();
        List<Object> cur = root;
        for (int i = 0; i < 100_000; i++) {
            List<Object> next = new ArrayList<>();
            cur.add(next);
            cur = next;
        }
        assertThrows(IllegalArgumentException.class, () -> TorchSaver.save(root, dir.resolve("deep.pt")));
    }

    @Test void selfReferencingListIsMemoized() throws Exception {
        List<Object> self = new ArrayList<>();
        self.add(self);
        TorchSaver.save(self, dir.resolve("cycle.pt"));
        assertTrue(Files.size(dir.resolve("cycle.pt")) > 0);
    }

    @Test void archiveNameFollowsPyTorch() {
        assertEquals("model", TorchSaver.archiveName(Path.of("/x/model.pt")));
        assertEquals("a.b", TorchSaver.archiveName(Path.of("a.b.pth")));
        assertEquals("noext", TorchSaver.archiveName(Path.of("noext")));
        assertEquals("archive", TorchSaver.archiveName(Path.of(".pt")));
        assertEquals("archive", TorchSaver.archiveName(Path.of("mod\u00e8le.pt")));
    }

    private static String read(ZipFile zip, String name) throws IOException {
        return new String(zip.getInputStream(zip.getEntry(name)).readAllBytes(), StandardCharsets.US_ASCII);
    }

    /** A source whose bytes become unreadable after {@code limit} (a disk error, a truncated mapping). */
    static final class FailingRegion implements ByteRegion {
        private final ByteRegion inner;
        private final long limit;

        FailingRegion(ByteRegion inner, long limit) {
            this.inner = inner;
            this.limit = limit;
        }

        private void check(long offset, long length) {
            if (offset + length > limit) throw new java.io.UncheckedIOException(new IOException("disk on fire"));
        }

        @Override public long size() { return inner.size(); }
        @Override public byte get(long offset) { check(offset, 1); return inner.get(offset); }
        @Override public void copyTo(long offset, byte[] dst, int dstOffset, int length) {
            check(offset, length);
            inner.copyTo(offset, dst, dstOffset, length);
        }
        @Override public ByteBuffer slice(long offset, int length) { check(offset, length); return inner.slice(offset, length); }
        @Override public ByteRegion subRegion(long offset, long length) { return inner.subRegion(offset, length); }
    }
}
