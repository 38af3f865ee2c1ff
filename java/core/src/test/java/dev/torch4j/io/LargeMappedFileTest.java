package dev.torch4j.io;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A sparse file over 2 GiB (one MappedByteBuffer cannot hold it), with data across the 2 GiB mark. */
class LargeMappedFileTest {
    private static final long TWO_GIB = 1L << 31;
    @TempDir Path tmp;

    @Test void tensorCrossingTheTwoGibBoundary() throws Exception {
        Path f = tmp.resolve("sparse.bin");
        float[] markers = {1.5f, -2.25f, 3e38f, 7f, -0f, 42f};
        long start = TWO_GIB - 12; // three floats before the boundary, three after
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(TWO_GIB + 4096);
            ByteBuffer b = ByteBuffer.allocate(markers.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float m : markers) b.putFloat(m);
            raf.seek(start);
            raf.write(b.array());
            raf.seek(TWO_GIB + 4095);
            raf.write(0x5A);
        }
        try (MappedFile m = MappedFile.open(f)) {
            assertEquals(TWO_GIB + 4096, m.size());
            assertEquals(0x5A, m.get(TWO_GIB + 4095));
            assertEquals(0, m.get(TWO_GIB - 13));
            Storage s = Storage.ofBytes("0", DType.FLOAT32, m, ByteOrder.LITTLE_ENDIAN);
            Tensor t = new Tensor(DType.FLOAT32, new long[] {6}, new long[] {1}, start / 4, s);
            assertArrayEquals(markers, t.toFloatArray());
            Tensor strided = new Tensor(DType.FLOAT32, new long[] {3}, new long[] {2}, start / 4, s);
            assertArrayEquals(new float[] {markers[0], markers[2], markers[4]}, strided.toFloatArray());
            Tensor transposed = new Tensor(DType.FLOAT32, new long[] {2, 3}, new long[] {1, 2}, start / 4, s);
            assertArrayEquals(new float[] {markers[0], markers[2], markers[4], markers[1], markers[3], markers[5]},
                    transposed.toFloatArray());
            assertFalse(transposed.isContiguous());
            ByteBuffer direct = t.asByteBuffer(); // crosses the chunk boundary: a copy, same bytes
            assertEquals(markers[3], direct.getFloat(12));

            // Hash a tensor over the whole file (> 2 GiB of bytes) and compare with hashing the file directly.
            Tensor whole = new Tensor(DType.UINT8, new long[] {m.size()}, new long[] {1}, 0, s);
            assertEquals(sha256Of(m), whole.sha256());
        }
    }

    private static String sha256Of(MappedFile m) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        for (long pos = 0; pos < m.size(); pos += buf.length) {
            int n = (int) Math.min(buf.length, m.size() - pos);
            m.copyTo(pos, buf, 0, n);
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
