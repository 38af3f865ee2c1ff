package dev.torch4j.zip;

import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streamed view of a large deflated entry gives the bytes java.util.zip deflated, read in any order. */
class InflatingRegionTest {
    private static final int SIZE = 3 * InflatingRegion.WINDOW + 12345;

    private static byte[] original() {
        byte[] data = new byte[SIZE];
        Random r = new Random(7);
        for (int i = 0; i < data.length; i++) data[i] = (byte) (r.nextInt(16) * (i % 3)); // compressible, not trivial
        return data;
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(6, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        return out.toByteArray();
    }

    @Test void sequentialAndCrossWindowReadsMatch() {
        byte[] data = original();
        InflatingRegion r = new InflatingRegion("f.pt", "archive/data/0", new HeapRegion(deflate(data)), data.length);
        byte[] all = new byte[data.length];
        for (int at = 0; at < data.length; at += 100_003) r.copyTo(at, all, at, Math.min(100_003, data.length - at));
        assertArrayEquals(data, all);
        byte[] across = new byte[10];
        r.copyTo(InflatingRegion.WINDOW - 5L, across, 0, 10); // behind the window: one restart
        assertArrayEquals(Arrays.copyOfRange(data, InflatingRegion.WINDOW - 5, InflatingRegion.WINDOW + 5), across);
        assertEquals(data[17], r.get(17));
        assertEquals(data[SIZE - 1], r.subRegion(SIZE - 10, 10).get(9));
    }

    @Test void readsOutOfOrderStopAfterTheRestartBudget() {
        byte[] data = original();
        InflatingRegion r = new InflatingRegion("f.pt", "archive/data/0", new HeapRegion(deflate(data)), data.length);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
            for (int i = 0; i < 100; i++) {
                r.get(SIZE - 1);
                r.get(0);
            }
        });
        TorchFileException t = assertInstanceOf(TorchFileException.class, e.getCause());
        assertTrue(t.getMessage().contains("read out of order"), t.getMessage());
        assertEquals("archive/data/0", t.entry());
    }

    @Test void shortStreamIsReportedWithItsOffset() {
        byte[] data = original();
        byte[] deflated = deflate(data);
        ByteRegion cut = new HeapRegion(Arrays.copyOf(deflated, deflated.length / 2));
        InflatingRegion r = new InflatingRegion("f.pt", "archive/data/0", cut, data.length);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> r.get(SIZE - 1));
        TorchFileException t = assertInstanceOf(TorchFileException.class, e.getCause());
        assertTrue(t.reason().contains("ends after") && t.reason().contains("of " + SIZE + " declared"), t.getMessage());
    }
}
