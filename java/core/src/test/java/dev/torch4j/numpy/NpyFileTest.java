package dev.torch4j.numpy;

import dev.torch4j.TorchFileException;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Tensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** .npy files written by numpy are read exactly; files we write are loaded by numpy with the same values. */
class NpyFileTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static Path oracleDir;

    @BeforeAll
    static void numpyWrites(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "numpy oracle needs " + PYTHON);
        int rc = python("write", dir.toString());
        assumeTrue(rc != 3, "numpy not importable by " + PYTHON);
        assertEquals(0, rc, "npy_oracle.py write failed");
        oracleDir = dir;
    }

    @Test
    void readsEveryCaseNumpyWrote() throws IOException {
        List<String> lines = Files.readAllLines(oracleDir.resolve("cases.tsv"));
        assertTrue(lines.size() >= 20, "cases: " + lines.size());
        for (String line : lines) {
            String[] c = line.split("\t", -1);
            String name = c[0];
            Tensor t = NpyFile.read(oracleDir.resolve(name + ".npy"));
            assertEquals(c[1], t.dtype().pythonName(), name);
            assertArrayEquals(longs(c[2]), t.shape(), name);
            String[] values = c[3].isEmpty() ? new String[0] : c[3].split(",");
            assertEquals(values.length, t.numel(), name);
            if (t.dtype().isFloatingPoint()) {
                double[] got = t.toDoubleArray();
                for (int i = 0; i < values.length; i++) {
                    double want = Double.parseDouble(values[i].replace("inf", "Infinity").replace("nan", "NaN"));
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got[i]), name + "[" + i + "]");
                }
            } else if (t.dtype() == DType.BOOL) {
                boolean[] got = t.toBooleanArray();
                for (int i = 0; i < values.length; i++) assertEquals(values[i].equals("1"), got[i], name + "[" + i + "]");
            } else {
                long[] got = t.toLongArray();
                for (int i = 0; i < values.length; i++) assertEquals(Long.parseLong(values[i]), got[i], name + "[" + i + "]");
            }
        }
    }

    @Test
    void fortranOrderAndBigEndianAreDescribedNotConverted() throws IOException {
        Tensor t = NpyFile.read(oracleDir.resolve("fortran_be_i4.npy"));
        assertArrayEquals(new long[] {1, 2, 6}, t.stride());
        assertEquals(ByteOrder.BIG_ENDIAN, t.storage().order());
        assertFalse(t.isContiguous());
    }

    @Test
    void writtenFilesLoadInNumpyWithTheSameValues(@TempDir Path dir) throws Exception {
        record Case(String name, Tensor t, String dtype, String values) {}
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("f4", Tensors.of(new float[] {1.5f, -0f, Float.NaN, 3e38f, -1e-45f, 7}, 2, 3), "float32",
                "1.5,-0.0,nan,3.0000000054977558e+38,-1.401298464324817e-45,7.0"));
        cases.add(new Case("f8", Tensors.of(new double[] {Math.PI, -2.5}, 2), "float64", Math.PI + ",-2.5"));
        cases.add(new Case("i8", Tensors.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0}, 3, 1), "int64",
                Long.MIN_VALUE + "," + Long.MAX_VALUE + ",0"));
        cases.add(new Case("i4", Tensors.of(new int[] {-7, 8, 9, 10}, 2, 2), "int32", "-7,8,9,10"));
        cases.add(new Case("u1", Tensors.ofUint8(new byte[] {(byte) 255, 0, 17}, 3), "uint8", "255,0,17"));
        cases.add(new Case("i1", Tensors.ofInt8(new byte[] {-128, 127}, 2), "int8", "-128,127"));
        cases.add(new Case("b1", Tensors.of(new boolean[] {true, false, true}, 3), "bool", "1,0,1"));
        cases.add(new Case("scalar", Tensors.of(new float[] {4f}), "float32", "4.0"));
        cases.add(new Case("empty", Tensors.of(new float[0], 0, 3), "float32", ""));
        // A Fortran-order big-endian file read by us, written back: numpy sees C order, same values.
        Tensor fortran = NpyFile.read(oracleDir.resolve("fortran_be_i4.npy"));
        cases.add(new Case("roundtrip", fortran, "int32", join(fortran.toLongArray())));
        for (Case c : cases) {
            Path f = dir.resolve(c.name() + ".npy");
            NpyFile.write(f, c.t());
            byte[] head = Files.readAllBytes(f);
            int headerEnd = 10 + ((head[8] & 0xFF) | (head[9] & 0xFF) << 8);
            assertEquals(0, headerEnd % 64, c.name() + ": data aligned to 64 as numpy writes it");
            assertEquals(0, python("check", f.toString(), c.dtype(), join(c.t().shape()), c.values()),
                    c.name() + ": numpy disagrees");
        }
    }

    @Test
    void writeIsAtomicAndRespectsOverwrite(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.npy");
        NpyFile.write(f, Tensors.of(new float[] {1, 2}, 2));
        byte[] before = Files.readAllBytes(f);
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> NpyFile.write(f, Tensors.of(new float[] {3}, 1), false));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertThrows(IllegalArgumentException.class, () -> NpyFile.write(f, Tensors.ofBytes(DType.BFLOAT16, new byte[2], 1)));
        assertArrayEquals(before, Files.readAllBytes(f), "a refused write leaves the old file");
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary files left behind");
        }
    }

    @Test
    void hostileHeadersGiveTheFileAndOffset(@TempDir Path dir) throws IOException {
        byte[] good = Files.readAllBytes(oracleDir.resolve("float_lef4.npy"));
        assertRejected(dir, "short", Arrays.copyOf(good, 7), "shorter than the preamble");
        byte[] magic = good.clone();
        magic[1] = 'X';
        assertRejected(dir, "magic", magic, "magic");
        byte[] version = good.clone();
        version[6] = 9;
        assertRejected(dir, "version", version, "version 9.0");
        byte[] longHeader = good.clone();
        longHeader[8] = (byte) 0xFF;
        longHeader[9] = (byte) 0x7F;
        assertRejected(dir, "longheader", longHeader, "runs past the end");
        assertRejected(dir, "truncated", Arrays.copyOf(good, good.length - 4), "data holds");
        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        assertRejected(dir, "trailing", trailing, "3 bytes after");
        assertRejected(dir, "object", header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 8), "an object array (pickled Python objects) has no tensor");
        assertRejected(dir, "struct", header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4), "structured");
        assertRejected(dir, "nokey", header("{'descr': '<f4', 'shape': (1,), }", 4), "lacks 'fortran_order'");
        assertRejected(dir, "twice", header("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4), "twice");
        assertRejected(dir, "extra", header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4), "unexpected header key 'x'");
        assertRejected(dir, "negative", header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4), "non-negative integer");
        assertRejected(dir, "overflow", header("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0), "overflows");
        assertRejected(dir, "hugedim", header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", 0), "out of range");
        assertRejected(dir, "code", header("{'descr': __import__('os'), 'fortran_order': False, 'shape': (1,), }", 4), "quoted string");
        assertRejected(dir, "unterminated", header("{'descr': '<f4", 0), "unterminated");
        assertRejected(dir, "garbage", header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", 4), "after the header dict");
        assertRejected(dir, "nobyteorder", header("{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }", 4), "byte order");
    }

    @Test
    void headerRecordDescribesTheFile() throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(oracleDir.resolve("v2.npy"))) {
            NpyFile.Header h = NpyFile.readHeader(ch, ch.size(), "v2.npy");
            assertEquals(2, h.version());
            assertEquals(DType.FLOAT32, h.dtype());
            assertEquals(24, h.dataBytes());
            assertEquals(ch.size() - 24, h.dataOffset());
        }
    }

    private static void assertRejected(Path dir, String name, byte[] bytes, String expected) throws IOException {
        Path f = dir.resolve(name + ".npy");
        Files.write(f, bytes);
        TorchFileException e = assertThrows(TorchFileException.class, () -> NpyFile.read(f), name);
        assertTrue(e.getMessage().contains(expected), name + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), name + ": names the file: " + e.getMessage());
    }

    /** A v1.0 file with the given header text and {@code dataBytes} zero bytes of data. */
    private static byte[] header(String dict, int dataBytes) {
        byte[] d = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + d.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyFile.MAGIC).put((byte) 1).put((byte) 0).putShort((short) d.length).put(d);
        return b.array();
    }

    private static long[] longs(String cell) {
        return cell.isEmpty() ? new long[0] : Arrays.stream(cell.split(",")).mapToLong(Long::parseLong).toArray();
    }

    private static String join(long[] v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) s.append(i > 0 ? "," : "").append(v[i]);
        return s.toString();
    }

    private static int python(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        return p.exitValue();
    }

    private static Path script() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (String rel : new String[] {"src/test/python/npy_oracle.py", "java/core/src/test/python/npy_oracle.py"}) {
                if (Files.isRegularFile(p.resolve(rel))) return p.resolve(rel);
            }
        }
        throw new IllegalStateException("npy_oracle.py not found");
    }
}
