package dev.torch4j.safetensors;

import dev.torch4j.Format;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.torchsave.zip.PyTorchOracle;
import dev.torch4j.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Java writes safetensors that numpy reads; PyTorch-made tensors written by Python read back in Java. */
class SafetensorsInteropTest {
    @TempDir Path dir;

    @Test void javaWritesWhatNumpyReads() throws Exception {
        PyTorchOracle.assumeAvailable();
        Tensor w = Tensors.of(new float[]{1, 2, 3, 4, 5, -6.5f}, 2, 3);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("w", w);
        sd.put("tied", w);
        sd.put("wT", new Tensor(DType.FLOAT32, new long[]{3, 2}, new long[]{1, 3}, 0, w.storage()));
        sd.put("u8", Tensors.ofUint8(new byte[]{(byte) 255, 0, 7}, 3));
        sd.put("f64", Tensors.of(new double[]{Math.PI}, 1));
        sd.put("i64", Tensors.of(new long[]{Long.MIN_VALUE, 3}, 2));
        sd.put("i16", Tensors.of(new short[]{-2}, 1));
        sd.put("b", Tensors.of(new boolean[]{true, false}, 2));
        sd.put("bf16", Tensors.ofBytes(DType.BFLOAT16, new byte[]{(byte) 0x80, 0x3f, 0x40, 0x40}, 2));
        sd.put("f16", Tensors.ofBytes(DType.FLOAT16, new byte[]{0x00, 0x3c}, 1));
        sd.put("u16", Tensors.ofBytes(DType.UINT16, new byte[]{(byte) 0xff, (byte) 0xff}, 1));
        sd.put("f8", Tensors.ofBytes(DType.FLOAT8_E4M3FN, new byte[]{0x38}, 1));
        sd.put("c64", Tensors.ofBytes(DType.COMPLEX64, new byte[]{0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}, 1));
        sd.put("scalar", Tensors.of(new int[]{-9}));
        sd.put("empty", Tensors.of(new float[0], 0));
        byte[] be = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(1).putInt(-70000).array();
        sd.put("be", new Tensor(DType.INT32, new long[]{2}, new long[]{1}, 0,
                Storage.ofBytes("be", DType.INT32, new HeapRegion(be), ByteOrder.BIG_ENDIAN)));
        Path file = dir.resolve("m.safetensors");
        WriteReport report = new SafetensorsWriter().metadata(Map.of("format", "pt")).write(sd, file);

        // Like the safetensors project: of identical tensors the first name in sorted order is kept.
        assertEquals(Map.of("w", "tied"), report.dropped());
        assertEquals(List.of("tied", "wT"), report.copied());
        assertEquals(sd.size() - 1, report.tensorsWritten());
        assertEquals(java.nio.file.Files.size(file), report.bytesWritten());

        PyTorchOracle.Description d = PyTorchOracle.describe(file, "safetensors");
        assertTrue(d.lines().contains("M\t{\"format\": \"pt\"}"), d.lines().toString());
        assertEquals(List.of("1.0", "2.0", "3.0", "4.0", "5.0", "-6.5"), d.tensors().get("tied").values());
        assertEquals(List.of("1.0", "4.0", "2.0", "5.0", "3.0", "-6.5"), d.tensors().get("wT").values());
        assertEquals(List.of(3L, 2L), d.tensors().get("wT").shape());
        assertEquals(List.of("255", "0", "7"), d.tensors().get("u8").values());
        assertEquals(List.of(Double.toString(Math.PI)), d.tensors().get("f64").values());
        assertEquals(List.of(Long.toString(Long.MIN_VALUE), "3"), d.tensors().get("i64").values());
        assertEquals(List.of("1", "0"), d.tensors().get("b").values());
        assertEquals(List.of("1.0", "3.0"), d.tensors().get("bf16").values());
        assertEquals(List.of("1.0"), d.tensors().get("f16").values());
        assertEquals(List.of("65535"), d.tensors().get("u16").values());
        assertEquals("float8_e4m3fn", d.tensors().get("f8").dtype());
        assertEquals(List.of("1.0,2.0"), d.tensors().get("c64").values());
        assertEquals(List.of("-9"), d.tensors().get("scalar").values());
        assertEquals(List.of(), d.tensors().get("scalar").shape());
        assertEquals(List.of(1L, -70000L).stream().map(String::valueOf).toList(), d.tensors().get("be").values());
        assertTrue(!d.tensors().containsKey("w"));

        // Alignment as the safetensors library guarantees: data on an 8-byte boundary, each tensor on its element size.
        String check = PyTorchOracle.python("import sys, json, struct\n"
                + "d = open(sys.argv[1], 'rb').read(); n = struct.unpack('<Q', d[:8])[0]; h = json.loads(d[8:8+n])\n"
                + "size = {'F64':8,'I64':8,'C64':8,'F32':4,'I32':4,'F16':2,'BF16':2,'I16':2,'U16':2}\n"
                + "print(n % 8, all(v['data_offsets'][0] % size.get(v['dtype'], 1) == 0 for k, v in h.items() if k != '__metadata__'),"
                + " d[8+n-1:8+n] in (b' ', b'}'))", file.toString());
        assertEquals("0 True True", check.trim());
    }

    @Test void readsSafetensorsWrittenFromPyTorchTensors() throws Exception {
        PyTorchOracle.assumeAvailable();
        Path file = dir.resolve("py.safetensors");
        String script = """
                import sys, json, struct, hashlib, torch
                torch.manual_seed(0)
                ts = {'z.weight': torch.randn(4, 3), 'a.bias': torch.randn(5).to(torch.bfloat16),
                      'half': torch.randn(2, 2).half(), 'ids': torch.arange(-3, 3, dtype=torch.int64),
                      'mask': torch.tensor([True, False]), 'd': torch.randn(3, dtype=torch.float64),
                      'bytes': torch.tensor([0, 200, 255], dtype=torch.uint8), 'e': torch.zeros(0, 4)}
                names = {torch.float32: 'F32', torch.bfloat16: 'BF16', torch.float16: 'F16', torch.int64: 'I64',
                         torch.bool: 'BOOL', torch.float64: 'F64', torch.uint8: 'U8'}
                def raw(t):
                    t = t.contiguous()
                    if t.dtype in (torch.bfloat16, torch.float16):
                        return t.view(torch.int16).numpy().tobytes()
                    return t.numpy().tobytes()
                header, blobs, off = {'__metadata__': {'format': 'pt', 'note': 'caf\\u00e9'}}, [], 0
                for k, t in ts.items():
                    b = raw(t)
                    header[k] = {'dtype': names[t.dtype], 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
                    blobs.append(b); off += len(b)
                h = json.dumps(header).encode()
                with open(sys.argv[1], 'wb') as f:
                    f.write(struct.pack('<Q', len(h))); f.write(h); f.write(b''.join(blobs))
                for k, t in ts.items():
                    print(k, str(t.dtype).replace('torch.', ''), hashlib.sha256(raw(t)).hexdigest())
                """;
        String out = PyTorchOracle.runScript(dir, script, file.toString());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Format.SAFETENSORS, f.format());
            assertEquals(Map.of("format", "pt", "note", "caf\u00e9"), f.userMetadata());
            List<String> lines = out.lines().toList();
            assertEquals(lines.stream().map(l -> l.split(" ")[0]).toList(), List.copyOf(f.tensors().keySet()), "file order kept");
            for (String line : lines) {
                String[] p = line.split(" ");
                Tensor t = f.tensors().get(p[0]);
                assertEquals(p[1], t.dtype().pythonName(), p[0]);
                assertEquals(p[2], t.sha256(), p[0]);
            }
            assertEquals(List.of(0L, 4L), List.of(f.tensors().get("e").shape()[0], f.tensors().get("e").shape()[1]));
        }
        // Torch.open detects safetensors by content, whatever the extension.
        Path renamed = java.nio.file.Files.copy(file, dir.resolve("weights.bin"));
        try (dev.torch4j.Checkpoint cp = dev.torch4j.Torch.open(renamed)) {
            assertEquals(Format.SAFETENSORS, cp.format());
            assertEquals(out.lines().map(l -> l.split(" ")[0]).toList(), List.copyOf(cp.tensors().keySet()));
            assertEquals(out.lines().filter(l -> l.startsWith("ids ")).findFirst().orElseThrow().split(" ")[2],
                    cp.tensors().get("ids").sha256());
        }
    }
}
