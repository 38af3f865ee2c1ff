package dev.torch4j.pickle;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.io.MappedFile;
import dev.torch4j.python.PyBytes;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large bytes payloads stay in the mapped file: numpy arrays pickled by numpy (numpy_big_p4/p5,
 * written by gen_pickle_fixtures.py; their values are checked against Python in PickleFixturesTest)
 * become tensors over views of the file, not heap copies.
 */
class ZeroCopyBytesTest {
    @TempDir Path tmp;

    @Test
    void numpyArraysAndBytesAreViewsOfTheMappedFile() throws Exception {
        for (String name : new String[] {"numpy_big_p4", "numpy_big_p5"}) {
            Path file = tmp.resolve(name + ".pkl");
            Files.write(file, PickleFixtures.bytes(name));
            try (Checkpoint ck = Torch.open(file)) {
                Map<?, ?> root = (Map<?, ?>) ck.root();
                for (String key : new String[] {"c_f4", "fortran_f8", "big_endian_i4"}) {
                    Tensor t = assertInstanceOf(Tensor.class, root.get(key), name + " " + key);
                    assertFalse(t.storage().data() instanceof HeapRegion, name + " " + key + " was copied to the heap");
                }
                PyBytes blob = assertInstanceOf(PyBytes.class, root.get("blob"), name);
                assertEquals(256 * 300, blob.size());
                for (int i = 0; i < 1000; i++) assertEquals((byte) i, blob.region().get(i));
                assertEquals(90_000, assertInstanceOf(PyBytes.class, root.get("blob_array")).size());
            }
        }
    }

    @Test
    void smallPayloadsStayByteArrays() throws Exception {
        Object v = PickleFixtures.load(new byte[] {(byte) 0x80, 4, 'C', 3, 'a', 'b', 'c', '.'},
                PickleFixtures.config("short", false));
        assertInstanceOf(byte[].class, v);
    }

    /** A bytes value over 2 GiB (no Java array can hold it) loads as a view; the file is sparse. */
    @Test
    void payloadOverTwoGiBLoads() throws Exception {
        long n = (3L << 30) + 5;
        Path file = tmp.resolve("huge.pkl");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0x80, 4, (byte) 0x8e}); // PROTO 4, BINBYTES8
            for (int i = 0; i < 8; i++) f.write((int) (n >>> (8 * i)));
            f.seek(11 + n - 1);
            f.write(7);
            f.write('.');
        }
        try (MappedFile mapped = MappedFile.open(file)) {
            Object v = new PickleMachine(mapped, 0, PickleFixtures.config("huge.pkl", false)).load();
            PyBytes b = assertInstanceOf(PyBytes.class, v);
            assertEquals(n, b.size());
            assertEquals(7, b.region().get(n - 1));
            IllegalStateException e = assertThrows(IllegalStateException.class, b::toByteArray);
            assertTrue(e.getMessage().contains("too large"), e.getMessage());
        }
    }

    @Test
    void declaredLengthPastTheEndIsRefused() {
        byte[] data = {(byte) 0x80, 4, (byte) 0x8e, 0, 0, 2, 0, 0, 0, 0, 0, 1, 2, 3, '.'};
        TorchFileException e = assertThrows(TorchFileException.class,
                () -> new PickleMachine(new HeapRegion(data), 0, PickleFixtures.config("short.pkl", false)).load());
        assertTrue(e.getMessage().contains("exceeds the"), e.getMessage());
        assertTrue(e.getMessage().contains("short.pkl"), e.getMessage());
    }
}
