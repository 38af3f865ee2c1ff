package dev.torch4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MappedFileTest {
    @TempDir Path tmp;

    private byte[] content(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + 7);
        return b;
    }

    @Test void readsAcrossChunks() throws Exception {
        byte[] data = content(100);
        Path f = Files.write(tmp.resolve("a.bin"), data);
        try (MappedFile m = MappedFile.open(f, 16)) {
            assertEquals(100, m.size());
            for (int i = 0; i < 100; i++) assertEquals(data[i], m.get(i));
            byte[] dst = new byte[60];
            m.copyTo(10, dst, 3, 50); // crosses chunks at 16, 32, 48
            byte[] expected = new byte[60];
            System.arraycopy(data, 10, expected, 3, 50);
            assertArrayEquals(expected, dst);

            ByteBuffer inside = m.slice(17, 10);
            assertTrue(inside.isDirect(), "zero-copy inside one chunk");
            assertTrue(inside.isReadOnly());
            assertEquals(data[17], inside.get(0));
            assertEquals(10, inside.remaining());
            assertNotNull(m.trySlice(32, 16));
            assertNull(m.trySlice(30, 4));

            ByteBuffer crossing = m.slice(30, 40);
            assertTrue(crossing.isReadOnly());
            byte[] got = new byte[40];
            crossing.get(got);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 30, 70), got);
        }
    }

    @Test void fileSpansCopyTheOpenedFilesBytesInTheKernel() throws Exception {
        byte[] data = content(200);
        Path f = Files.write(tmp.resolve("span.bin"), data);
        Path out = tmp.resolve("out.bin");
        try (MappedFile m = MappedFile.open(f, 16);
             java.nio.channels.FileChannel target = java.nio.channels.FileChannel.open(out,
                     java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            // Replaced under its name after opening: the span still reads the file that was opened.
            Files.write(tmp.resolve("other.bin"), new byte[200]);
            Files.move(tmp.resolve("other.bin"), f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            FileSpan span = m.subRegion(40, 100).fileSpan(10, 80); // file bytes [50, 130)
            assertEquals(80, span.length());
            span.copyTo(5, 70, target, 3); // file bytes [55, 125) to out[3..73)
            assertEquals(73, target.position());
            assertThrows(IndexOutOfBoundsException.class, () -> span.copyTo(20, 61, target, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.fileSpan(150, 51));
            assertNull(new HeapRegion(data).fileSpan(0, 10), "heap bytes are in no file");
        }
        byte[] expected = new byte[73];
        System.arraycopy(data, 55, expected, 3, 70);
        assertArrayEquals(expected, Files.readAllBytes(out));
        MappedFile closed = MappedFile.open(f);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.fileSpan(0, 1));
    }

    @Test void subRegionsShiftAndStayInBounds() throws Exception {
        byte[] data = content(64);
        Path f = Files.write(tmp.resolve("b.bin"), data);
        try (MappedFile m = MappedFile.open(f, 16)) {
            ByteRegion sub = m.subRegion(10, 30);
            assertEquals(30, sub.size());
            assertEquals(data[10], sub.get(0));
            assertEquals(data[39], sub.get(29));
            ByteRegion subSub = sub.subRegion(5, 10);
            assertEquals(data[15], subSub.get(0));
            byte[] dst = new byte[10];
            subSub.copyTo(0, dst, 0, 10);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 15, 25), dst);
            assertEquals(data[16], subSub.slice(1, 4).get(0));
            assertThrows(IndexOutOfBoundsException.class, () -> sub.get(30));
            assertThrows(IndexOutOfBoundsException.class, () -> sub.subRegion(20, 11));
            assertThrows(IndexOutOfBoundsException.class, () -> subSub.copyTo(5, dst, 0, 6));
        }
    }

    @Test void rangesAreChecked() throws Exception {
        Path f = Files.write(tmp.resolve("c.bin"), content(32));
        try (MappedFile m = MappedFile.open(f, 16)) {
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(32));
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> m.slice(30, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> m.copyTo(0, new byte[4], 2, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> m.subRegion(-1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> m.copyTo(Long.MAX_VALUE, new byte[4], 0, 4));
        }
    }

    @Test void closedFileRefusesAccess() throws Exception {
        Path f = Files.write(tmp.resolve("d.bin"), content(32));
        MappedFile m = MappedFile.open(f, 16);
        ByteRegion sub = m.subRegion(4, 8);
        m.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.get(0));
        assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("d.bin"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> m.slice(0, 4));
        assertThrows(IllegalStateException.class, () -> m.copyTo(0, new byte[4], 0, 4));
        assertThrows(IllegalStateException.class, () -> sub.get(0));
        assertThrows(IllegalStateException.class, () -> m.subRegion(0, 1));
    }

    @Test void emptyFile() throws Exception {
        Path f = Files.write(tmp.resolve("e.bin"), new byte[0]);
        try (MappedFile m = MappedFile.open(f)) {
            assertEquals(0, m.size());
            assertEquals(0, m.slice(0, 0).remaining());
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(0));
        }
    }

    @Test void readsBeforeMappingEqualTheMappedBytesAndViewsMapTheFile() throws Exception {
        byte[] data = content(3 * MappedFile.BLOCK_SIZE + 123);
        Path f = Files.write(tmp.resolve("lazy.bin"), data);
        try (MappedFile m = MappedFile.open(f, 4096)) {
            // Single bytes through blocks (backwards, across block and chunk boundaries) and copies.
            for (int i = data.length - 1; i >= 0; i -= 7) assertEquals(data[i], m.get(i), "byte " + i);
            byte[] dst = new byte[data.length + 3];
            m.copyTo(0, dst, 3, data.length);
            assertArrayEquals(data, java.util.Arrays.copyOfRange(dst, 3, dst.length));
            assertEquals(data[9000], m.subRegion(8000, 2000).get(1000));
            assertTrue(!m.isMapped(), "reads of a few blocks and small copies leave the file unmapped");
            ByteBuffer view = m.slice(4096, 100);
            assertTrue(view.isDirect() && m.isMapped(), "a zero-copy view maps the file");
            assertEquals(data[4096], view.get(0));
            for (int i = 0; i < data.length; i += 11) assertEquals(data[i], m.get(i));
        }
    }

    @Test void manyScatteredByteReadsEndUpMapped() throws Exception {
        byte[] data = content((MappedFile.MAX_BLOCK_MISSES + 8) * MappedFile.BLOCK_SIZE);
        Path f = Files.write(tmp.resolve("scatter.bin"), data);
        try (MappedFile m = MappedFile.open(f)) {
            for (int b = 0; b < MappedFile.MAX_BLOCK_MISSES + 8; b++) {
                int at = b * MappedFile.BLOCK_SIZE + (b * 37) % MappedFile.BLOCK_SIZE;
                assertEquals(data[at], m.get(at));
            }
            assertTrue(m.isMapped(), "a block per read costs a system call: past the limit the file is mapped");
        }
    }

    @Test void aFileCutShortAfterOpeningIsAnErrorNamingIt() throws Exception {
        Path f = Files.write(tmp.resolve("shrinks.bin"), content(20_000));
        try (MappedFile m = MappedFile.open(f)) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(100);
            }
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                    () -> m.copyTo(10_000, new byte[64], 0, 64));
            assertTrue(e.getMessage().contains("shrinks.bin") && e.getMessage().contains("shorter"), e.getMessage());
            assertThrows(java.io.UncheckedIOException.class, () -> m.get(15_000));
        }
    }

    @Test void anInterruptedReaderLeavesTheFileReadable() throws Exception {
        byte[] data = content(50_000);
        Path f = Files.write(tmp.resolve("interrupt.bin"), data);
        try (MappedFile m = MappedFile.open(f)) {
            byte[] dst = new byte[1000];
            Thread.currentThread().interrupt();
            try {
                m.copyTo(1000, dst, 0, 1000); // a channel read would close the descriptor for every thread
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt is left for its owner");
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 2000), dst);
            m.copyTo(40_000, dst, 0, 1000);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 40_000, 41_000), dst);
            assertEquals(data[30_000], m.slice(30_000, 10).get(0));
        }
    }

    @Test void missingFilesAndFoldersFailAsTheChannelWould() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> MappedFile.open(tmp.resolve("absent.pt")));
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class, () -> MappedFile.open(tmp));
        assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
    }
}
