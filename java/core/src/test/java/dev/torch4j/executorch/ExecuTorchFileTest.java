package dev.torch4j.executorch;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.json.Json;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Verdict;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.testing.ReferencePython;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ExecuTorch programs and data files against two references independent of our FlatBuffer reader:
 * flatc (the FlatBuffers compiler, with pytorch/executorch's schemas) for the structure and the
 * constant bytes of every .pte here, real ones from pytorch/executorch included; and numpy for the
 * generated fixtures' tensors (gen_pte_fixtures.py).
 */
class ExecuTorchFileTest {
    static final Path DIR = Paths.get("src/test/resources/fixtures/executorch");
    private static final Map<String, String> ET_NAMES = Map.ofEntries(Map.entry("BYTE", "uint8"), Map.entry("CHAR", "int8"),
            Map.entry("SHORT", "int16"), Map.entry("INT", "int32"), Map.entry("LONG", "int64"), Map.entry("HALF", "float16"),
            Map.entry("FLOAT", "float32"), Map.entry("DOUBLE", "float64"), Map.entry("BOOL", "bool"), Map.entry("BFLOAT16", "bfloat16"));

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> expected() throws Exception {
        return (Map<String, Map<String, Object>>) ((Map<String, Object>) Json.parse(Files.readString(DIR.resolve("expected.json")))).get("files");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gen_delegated.pte", "gen_inline_constants.pte", "gen_delegated.ptd"})
    @SuppressWarnings("unchecked")
    void generatedFilesAsNumpyWroteThem(String name) throws Exception {
        Map<String, Object> want = expected().get(name);
        try (Checkpoint cp = Torch.open(DIR.resolve(name))) {
            assertEquals(want.get("format"), cp.format().id());
            Map<String, String> wantTensors = new TreeMap<>();
            for (Object o : (List<Object>) want.get("tensors")) {
                Map<String, Object> t = (Map<String, Object>) o;
                wantTensors.put((String) t.get("path"), t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256"));
            }
            Map<String, String> got = new TreeMap<>();
            for (Map.Entry<String, Tensor> t : cp.tensors().entrySet()) {
                List<Long> shape = new ArrayList<>();
                for (long d : t.getValue().shape()) shape.add(d);
                got.put(t.getKey(), t.getValue().dtype().pythonName() + " " + shape + " " + t.getValue().sha256());
            }
            assertEquals(wantTensors, got);
            Map<String, Object> meta = cp.metadata();
            if (want.containsKey("methods")) assertEquals(want.get("methods"), meta.get("executorch.methods"));
            for (String key : List.of("operators", "delegates", "inputs", "outputs")) {
                if (!(want.get(key) instanceof Map<?, ?> perMethod)) continue;
                for (Map.Entry<?, ?> e : perMethod.entrySet()) {
                    Object value = meta.get("executorch." + e.getKey() + "." + key);
                    assertEquals(e.getValue(), value instanceof Map<?, ?> m ? new TreeMap<>(m) : value, key + " of " + e.getKey());
                }
            }
            if (want.containsKey("blobs")) assertEquals(want.get("blobs"), meta.get("ptd.blobs"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"real_add.pte", "real_module_linear_no_constant_segment.pte", "real_keyword_spotting.pte",
            "gen_delegated.pte", "gen_inline_constants.pte"})
    @SuppressWarnings("unchecked")
    void structureAndConstantBytesAsFlatcDecodesThem(String name, @TempDir Path tmp) throws Exception {
        Map<String, Object> fc = flatcJson(DIR.resolve(name), tmp);
        byte[] file = Files.readAllBytes(DIR.resolve(name));
        try (Checkpoint cp = Torch.open(DIR.resolve(name))) {
            Map<String, Object> meta = cp.metadata();
            List<Object> plans = (List<Object>) fc.get("execution_plan");
            assertEquals(plans.stream().map(p -> ((Map<String, Object>) p).get("name")).toList(), meta.get("executorch.methods"));
            int constants = 0;
            for (Object po : plans) {
                Map<String, Object> plan = (Map<String, Object>) po;
                String p = "executorch." + plan.get("name") + ".";
                List<Object> values = (List<Object>) plan.get("values");
                assertEquals((long) values.size(), meta.get(p + "values"));
                List<String> ops = new ArrayList<>();
                for (Object oo : (List<Object>) plan.getOrDefault("operators", List.of())) {
                    Map<String, Object> op = (Map<String, Object>) oo;
                    String ov = (String) op.get("overload");
                    ops.add(op.get("name") + (ov == null || ov.isEmpty() ? "" : "." + ov));
                }
                assertEquals(new TreeMap<>(countKeys(ops)).keySet(), new TreeMap<>((Map<String, Long>) meta.get(p + "operators")).keySet());
                List<String> inputs = new ArrayList<>();
                for (Object i : (List<Object>) plan.getOrDefault("inputs", List.of())) {
                    inputs.add("v" + i + ": " + describe((Map<String, Object>) values.get(((Number) i).intValue())));
                }
                assertEquals(inputs, meta.get(p + "inputs"));
                for (Object vo : values) {
                    Map<String, Object> v = (Map<String, Object>) vo;
                    if (!"Tensor".equals(v.get("val_type"))) continue;
                    Map<String, Object> t = (Map<String, Object>) v.get("val");
                    long idx = ((Number) t.getOrDefault("data_buffer_idx", 0L)).longValue();
                    if (idx == 0 || t.containsKey("allocation_info")) continue;
                    long[] sizes = ((List<Object>) t.get("sizes")).stream().mapToLong(x -> ((Number) x).longValue()).toArray();
                    Tensor got = cp.tensors().get("const_" + idx);
                    if (got == null || !Arrays.equals(got.shape(), sizes)) {
                        got = cp.tensors().entrySet().stream().filter(e -> e.getKey().startsWith("const_" + idx + "_v")
                                && Arrays.equals(e.getValue().shape(), sizes)).map(Map.Entry::getValue).findFirst().orElse(null);
                    }
                    assertTrue(got != null, "const_" + idx + " " + Arrays.toString(sizes) + " of " + name + ": " + cp.tensors().keySet());
                    constants++;
                    assertEquals(ET_NAMES.get(t.get("scalar_type")), got.dtype().pythonName());
                    assertArrayEquals(sizes, got.shape());
                    byte[] want = constantBytes(fc, file, idx, got.storage().byteSize());
                    byte[] have = new byte[(int) got.storage().byteSize()];
                    got.storage().data().copyTo(0, have, 0, have.length);
                    assertArrayEquals(want, have, "bytes of const_" + idx + " in " + name);
                }
            }
            assertTrue(constants == 0 || !cp.tensors().isEmpty());
        }
    }

    private static Map<String, Long> countKeys(List<String> ops) {
        Map<String, Long> m = new TreeMap<>();
        for (String o : ops) m.merge(o, 1L, Long::sum);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static String describe(Map<String, Object> value) {
        Map<String, Object> t = (Map<String, Object>) value.get("val");
        List<String> dims = ((List<Object>) t.get("sizes")).stream().map(String::valueOf).toList();
        return ET_NAMES.get(t.get("scalar_type")) + "[" + String.join(", ", dims) + "]";
    }

    /** The bytes flatc's decoding says a constant has: inline storage, or the constant segment at its offset. */
    @SuppressWarnings("unchecked")
    private static byte[] constantBytes(Map<String, Object> fc, byte[] file, long idx, long n) {
        Map<String, Object> cs = (Map<String, Object>) fc.get("constant_segment");
        List<Object> offsets = cs == null ? List.of() : (List<Object>) cs.getOrDefault("offsets", List.of());
        if (!offsets.isEmpty()) {
            ByteBuffer header = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("eh00", new String(file, 8, 4, java.nio.charset.StandardCharsets.US_ASCII));
            long base = header.getLong(8 + 16);
            int si = ((Number) cs.getOrDefault("segment_index", 0L)).intValue();
            Map<String, Object> seg = (Map<String, Object>) ((List<Object>) fc.get("segments")).get(si);
            long start = base + ((Number) seg.getOrDefault("offset", 0L)).longValue() + ((Number) offsets.get((int) idx)).longValue();
            return Arrays.copyOfRange(file, (int) start, (int) (start + n));
        }
        List<Object> storage = (List<Object>) ((Map<String, Object>) ((List<Object>) fc.get("constant_buffer")).get((int) idx)).get("storage");
        byte[] out = new byte[(int) n];
        for (int i = 0; i < n; i++) out[i] = (byte) ((Number) storage.get(i)).intValue();
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> flatcJson(Path pte, Path tmp) throws Exception {
        Path flatc = Path.of("/usr/bin/flatc");
        if (!Files.isExecutable(flatc)) {
            if (ReferencePython.required()) throw new AssertionError("flatc (flatbuffers-compiler) is the oracle: install it");
            Assumptions.abort("flatc not installed");
        }
        ReferencePython.run(List.of(flatc.toString(), "--json", "--strict-json", "--raw-binary", "-o", tmp.toString(),
                DIR.resolve("schema/program.fbs").toString(), "--", pte.toString()), Map.of(), 120);
        String base = pte.getFileName().toString();
        Path json = tmp.resolve(base.substring(0, base.lastIndexOf('.')) + ".json");
        return (Map<String, Object>) Json.parse(Files.readString(json));
    }

    @Test
    void scanSaysWhatItCheckedAndFindsNothingToRun() {
        ScanResult r = ModelScanner.scan(DIR.resolve("gen_delegated.pte"));
        assertEquals(Verdict.CLEAN, r.verdict(), r.toString());
        String checked = String.join("\n", r.checked());
        assertTrue(checked.contains("methods [forward, encode]") && checked.contains("XnnpackBackend")
                && checked.contains("no pickle"), checked);
        ScanResult d = ModelScanner.scan(DIR.resolve("gen_delegated.ptd"));
        assertEquals(Verdict.CLEAN, d.verdict(), d.toString());
        assertTrue(String.join("\n", d.checked()).contains("2 named entries"), d.toString());
    }

    @Test
    void externalTensorsWithoutTheirDataFileAreListed(@TempDir Path tmp) throws Exception {
        Path alone = tmp.resolve("alone.pte");
        Files.copy(DIR.resolve("gen_delegated.pte"), alone);
        try (Checkpoint cp = Torch.open(alone)) {
            assertEquals(Format.EXECUTORCH, cp.format());
            assertEquals(3, cp.tensors().size());
            assertEquals(List.of("linear.weight: float32[3, 2]"), cp.metadata().get("executorch.external_tensors_unresolved"));
        }
    }

    @Test
    void corruptFilesFailWithFileAndOffsetWithinBoundedTime(@TempDir Path tmp) throws Exception {
        byte[] good = Files.readAllBytes(DIR.resolve("gen_delegated.pte"));
        Path cut = tmp.resolve("cut.pte");
        Files.write(cut, Arrays.copyOf(good, 600));
        TorchFileException ex = assertThrows(TorchFileException.class, () -> Torch.open(cut).close());
        assertTrue(ex.getMessage().contains(cut.toString()) && ex.getMessage().contains("at byte 16: extended header: program size"),
                ex.getMessage());
        Random rnd = new Random(25);
        long start = System.nanoTime();
        Path f = tmp.resolve("fuzz.pte");
        for (int i = 0; i < 400; i++) {
            byte[] b = good.clone();
            for (int k = 0; k < 4; k++) b[8 + rnd.nextInt(b.length - 8)] = (byte) rnd.nextInt(256);
            Files.write(f, b);
            try (Checkpoint cp = Torch.open(f)) {
                for (Tensor t : cp.tensors().values()) t.sha256();
            } catch (TorchFileException expected) {
                assertTrue(expected.getMessage().contains(f.toString()), expected.getMessage());
            }
        }
        assertTrue(System.nanoTime() - start < 60_000_000_000L, "fuzzing took too long");
    }
}
