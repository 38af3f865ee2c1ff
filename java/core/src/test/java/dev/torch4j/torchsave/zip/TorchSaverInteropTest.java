package dev.torch4j.torchsave.zip;

import dev.torch4j.tensor.Tensors;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Java writes with TorchSaver; real PyTorch loads the file and reports what it sees. */
class TorchSaverInteropTest {
    @TempDir Path dir;

    @BeforeAll static void oracle() { PyTorchOracle.assumeAvailable(); }

    private static final float[] F32 = {1f, 2f, 3f, 4f, 5f, -6.5f};

    private static Map<String, Object> weightsOnlyTree() {
        Tensor w = Tensors.of(F32, 2, 3);
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("w", w);
        sd.put("tied", w);
        sd.put("wT", new Tensor(DType.FLOAT32, new long[]{3, 2}, new long[]{1, 3}, 0, w.storage()));
        sd.put("tail", new Tensor(DType.FLOAT32, new long[]{2}, new long[]{1}, 4, w.storage()));
        sd.put("param", Tensors.of(new double[]{0.1, -0.2}, 2).asParameter(true));
        sd.put("i64", Tensors.of(new long[]{Long.MIN_VALUE, Long.MAX_VALUE, -1, 0}, 4));
        sd.put("i32", Tensors.of(new int[]{Integer.MIN_VALUE, 7, -7, 0, 1, 2}, 1, 2, 3));
        sd.put("i16", Tensors.of(new short[]{-300, 300}, 2));
        sd.put("i8", Tensors.ofInt8(new byte[]{-128, 127}, 2));
        sd.put("u8", Tensors.ofUint8(new byte[]{(byte) 200, 1}, 2));
        sd.put("b", Tensors.of(new boolean[]{true, false, true}, 3));
        sd.put("scalar", Tensors.of(new long[]{42}));
        sd.put("empty", Tensors.of(new float[0], 0, 3));
        sd.put("f16", Tensors.ofBytes(DType.FLOAT16, new byte[]{0x00, 0x3c, 0x00, (byte) 0xc0}, 2));
        sd.put("bf16", Tensors.ofBytes(DType.BFLOAT16, new byte[]{(byte) 0x80, 0x3f, 0x40, 0x40}, 2));
        sd.put("c64", Tensors.ofBytes(DType.COMPLEX64, le(1f, 2f), 1));
        byte[] bigEndian = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putInt(1).putInt(-2).putInt(70000).array();
        Storage be = Storage.ofBytes("be", DType.INT32, new HeapRegion(bigEndian), ByteOrder.BIG_ENDIAN);
        sd.put("bigEndian", new Tensor(DType.INT32, new long[]{3}, new long[]{1}, 0, be));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("state_dict", sd);
        root.put("epoch", 7L);
        root.put("name", "r\u00e9sum\u00e9 \u2603 \ud834\udd1e");
        root.put("big", 1L << 40);
        root.put("neg", -70000L);
        root.put("huge", BigInteger.ONE.shiftLeft(100).negate());
        root.put("flag", true);
        root.put("none", null);
        root.put("tuple", PyTuple.of(1L, "a", false, List.of(2L)));
        List<Object> many = new ArrayList<>();
        for (long i = 0; i < 1500; i++) many.add(i * 1000);
        root.put("many", many);
        root.put(null, "null key");
        return root;
    }

    @Test void pytorchLoadsJavaTensorsWithWeightsOnly() throws Exception {
        Path file = dir.resolve("model.pt");
        TorchSaver.save(weightsOnlyTree(), file);
        checkWeightsOnlyTree(PyTorchOracle.describe(file, "weights_only"), "");
    }

    @Test void forcedZip64LayoutLoadsInPyTorch() throws Exception {
        Path file = dir.resolve("zip64.pt");
        new TorchSaver().forceZip64(true).saveTo(weightsOnlyTree(), file);
        checkWeightsOnlyTree(PyTorchOracle.describe(file, "weights_only"), "");
        // Python's zipfile checks every CRC and the ZIP64 end records.
        String out = PyTorchOracle.python("import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
                + "print(z.testzip()); print(' '.join(i.filename for i in z.infolist()))", file.toString());
        assertEquals("None", out.lines().findFirst().orElseThrow());
        assertTrue(out.contains("zip64/data.pkl zip64/.format_version zip64/.storage_alignment zip64/byteorder zip64/data/0"), out);
    }

    static void checkWeightsOnlyTree(PyTorchOracle.Description d, String prefix) throws Exception {
        String p = prefix + "state_dict.";
        assertEquals("OrderedDict:11", d.containers().get(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1)));
        assertFloats(d.tensors().get(p + "w"), "float32", List.of(2L, 3L), F32);
        assertFloats(d.tensors().get(p + "tied"), "float32", List.of(2L, 3L), F32);
        assertFloats(d.tensors().get(p + "wT"), "float32", List.of(3L, 2L), new float[]{1, 4, 2, 5, 3, -6.5f});
        assertFloats(d.tensors().get(p + "tail"), "float32", List.of(2L), new float[]{5, -6.5f});
        String shared = d.tensors().get(p + "w").storage();
        for (String name : List.of("tied", "wT", "tail")) assertEquals(shared, d.tensors().get(p + name).storage(), name);
        assertNotEquals(shared, d.tensors().get(p + "i64").storage());

        PyTorchOracle.PyTensor param = d.tensors().get(p + "param");
        assertTrue(param.parameter() && param.requiresGrad(), "nn.Parameter with requires_grad");
        assertEquals("float64", param.dtype());
        assertEquals(0.1, param.value(0));
        assertEquals(-0.2, param.value(1));
        assertEquals(sha(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-0.2).array()), param.sha256());

        assertLongs(d.tensors().get(p + "i64"), "int64", Long.MIN_VALUE, Long.MAX_VALUE, -1, 0);
        assertLongs(d.tensors().get(p + "i32"), "int32", Integer.MIN_VALUE, 7, -7, 0, 1, 2);
        assertEquals(List.of(1L, 2L, 3L), d.tensors().get(p + "i32").shape());
        assertLongs(d.tensors().get(p + "i16"), "int16", -300, 300);
        assertLongs(d.tensors().get(p + "i8"), "int8", -128, 127);
        assertLongs(d.tensors().get(p + "u8"), "uint8", 200, 1);
        assertLongs(d.tensors().get(p + "b"), "bool", 1, 0, 1);
        assertLongs(d.tensors().get(p + "scalar"), "int64", 42);
        assertEquals(List.of(), d.tensors().get(p + "scalar").shape());
        assertEquals(List.of(0L, 3L), d.tensors().get(p + "empty").shape());
        assertEquals(sha(new byte[0]), d.tensors().get(p + "empty").sha256());
        assertFloats(d.tensors().get(p + "f16"), "float16", List.of(2L), new float[]{1, -2});
        assertFloats(d.tensors().get(p + "bf16"), "bfloat16", List.of(2L), new float[]{1, 3});
        assertEquals("complex64", d.tensors().get(p + "c64").dtype());
        assertEquals(List.of("1.0,2.0"), d.tensors().get(p + "c64").values());
        assertLongs(d.tensors().get(p + "bigEndian"), "int32", 1, -2, 70000);

        assertEquals("int:7", d.values().get(prefix + "epoch"));
        assertEquals("str:'r\u00e9sum\u00e9 \u2603 \ud834\udd1e'", d.values().get(prefix + "name"));
        assertEquals("int:1099511627776", d.values().get(prefix + "big"));
        assertEquals("int:-70000", d.values().get(prefix + "neg"));
        assertEquals("int:-1267650600228229401496703205376", d.values().get(prefix + "huge"));
        assertEquals("bool:True", d.values().get(prefix + "flag"));
        assertEquals("NoneType:None", d.values().get(prefix + "none"));
        assertEquals("tuple:4", d.containers().get(prefix + "tuple"));
        assertEquals("str:'a'", d.values().get(prefix + "tuple.1"));
        assertEquals("list:1", d.containers().get(prefix + "tuple.3"));
        assertEquals("list:1500", d.containers().get(prefix + "many"));
        assertEquals("int:1499000", d.values().get(prefix + "many.1499"));
        assertEquals("str:'null key'", d.values().get(prefix + "None"));
    }

    @Test void pythonFloatsAndBytesLoadWithFullUnpickler() throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("lr", 0.001);
        root.put("nan", Double.NaN);
        root.put("f", 1.5f);
        root.put("raw", new byte[]{0, (byte) 0xff, 'a'});
        root.put("emptyBytes", new byte[0]);
        Path file = dir.resolve("floats.pt");
        TorchSaver.save(root, file);
        PyTorchOracle.Description d = PyTorchOracle.describe(file, "full");
        assertEquals("float:0.001", d.values().get("lr"));
        assertEquals("float:nan", d.values().get("nan"));
        assertEquals("float:1.5", d.values().get("f"));
        assertEquals("bytes:b'\\x00\\xffa'", d.values().get("raw"));
        assertEquals("bytes:b''", d.values().get("emptyBytes"));
    }

    @Test void quantizedTensorsLoadWithFullUnpickler() throws Exception {
        Tensor q = Tensors.ofBytes(DType.QINT8, new byte[]{-3, 0, 5, 127}, 4)
                .withQuantization(dev.torch4j.tensor.Quantization.perTensor("per_tensor_affine", 0.5, 2));
        Tensor scales = Tensors.of(new double[]{0.1, 0.2}, 2);
        Tensor zeros = Tensors.of(new long[]{0, 1}, 2);
        Tensor pc = Tensors.ofBytes(DType.QUINT8, new byte[]{1, 2, 3, 4}, 2, 2)
                .withQuantization(dev.torch4j.tensor.Quantization.perChannel("per_channel_affine", scales, zeros, 0));
        Path file = dir.resolve("q.pt");
        TorchSaver.save(Map.of("q", q), file);
        PyTorchOracle.PyTensor t = PyTorchOracle.describe(file, "full").tensors().get("q");
        assertEquals("qint8", t.dtype());
        assertEquals(List.of("-3", "0", "5", "127"), t.values());
        String scale = PyTorchOracle.python("import sys, torch; t = torch.load(sys.argv[1])['q']; "
                + "print(t.q_scale(), t.q_zero_point(), t.dequantize().tolist())", file.toString()).trim();
        assertEquals("0.5 2 [-2.5, -1.0, 1.5, 62.5]", scale);

        Path file2 = dir.resolve("pc.pt");
        TorchSaver.save(Map.of("pc", pc), file2);
        String pcOut = PyTorchOracle.python("import sys, torch; t = torch.load(sys.argv[1])['pc']; "
                + "print(t.qscheme(), t.q_per_channel_scales().tolist(), t.q_per_channel_zero_points().tolist(), "
                + "t.q_per_channel_axis(), t.int_repr().tolist())", file2.toString()).trim();
        assertEquals("torch.per_channel_affine [0.1, 0.2] [0, 1] 0 [[1, 2], [3, 4]]", pcOut);
    }

    static void assertFloats(PyTorchOracle.PyTensor t, String dtype, List<Long> shape, float[] expected) throws Exception {
        assertEquals(dtype, t.dtype(), t.path());
        assertEquals(shape, t.shape(), t.path());
        assertEquals(expected.length, t.values().size(), t.path());
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], (float) t.value(i), t.path() + "[" + i + "]");
        if (dtype.equals("float32")) assertEquals(sha(le(expected)), t.sha256(), t.path());
    }

    static void assertLongs(PyTorchOracle.PyTensor t, String dtype, long... expected) {
        assertEquals(dtype, t.dtype(), t.path());
        List<String> want = new ArrayList<>();
        for (long v : expected) want.add(Long.toString(v));
        assertEquals(want, t.values(), t.path());
    }

    static byte[] le(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
