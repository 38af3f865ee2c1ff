package dev.torch4j.pt2;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.json.Json;
import dev.torch4j.scan.Finding;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Verdict;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .pt2 fixtures of every layout (2.1 to current) against what gen_pt2_fixtures.py recorded: the
 * tensors as PyTorch 1.13 held them before writing (dtype, shape, sha256 of the elements), the graph
 * signature and operator histogram, the versions; and what a scan of each finds.
 */
class Pt2ArchiveTest {
    static final Path DIR = Paths.get("src/test/resources/fixtures/pt2");

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> expected() throws Exception {
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(DIR.resolve("expected.json")));
        return (Map<String, Map<String, Object>>) root.get("files");
    }

    @TestFactory
    List<DynamicTest> everyLayoutAsWritten() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : expected().entrySet()) {
            if (!e.getValue().containsKey("tensors")) continue;
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(DIR.resolve(e.getKey()), e.getValue())));
        }
        return tests;
    }

    @SuppressWarnings("unchecked")
    private static void check(Path file, Map<String, Object> want) throws Exception {
        try (Checkpoint cp = Torch.open(file)) {
            assertEquals(Format.PT2, cp.format());
            Map<String, String> expectedTensors = new TreeMap<>();
            for (Object o : (List<Object>) want.get("tensors")) {
                Map<String, Object> t = (Map<String, Object>) o;
                expectedTensors.put((String) t.get("path"), t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256"));
            }
            Map<String, String> got = new TreeMap<>();
            for (Map.Entry<String, Tensor> t : cp.tensors().entrySet()) {
                List<Long> shape = new ArrayList<>();
                for (long d : t.getValue().shape()) shape.add(d);
                got.put(t.getKey(), t.getValue().dtype().pythonName() + " " + shape + " " + t.getValue().sha256());
            }
            assertEquals(expectedTensors, got, "tensors of " + file);
            Map<String, Object> meta = cp.metadata();
            if (want.containsKey("schema_version")) assertEquals(want.get("schema_version"), meta.get("pt2.schema_version"));
            if (want.containsKey("torch_version")) assertEquals(want.get("torch_version"), meta.get("pt2.torch_version"));
            if (want.containsKey("archive_version")) {
                assertEquals(Long.parseLong((String) want.get("archive_version")), meta.get("pt2.archive_version"));
            }
            if (want.get("operators") instanceof Map<?, ?> ops) {
                assertEquals(new TreeMap<>(ops), new TreeMap<>((Map<String, Long>) meta.get("pt2.operators")));
            }
            if (want.get("signature") instanceof Map<?, ?> sig) {
                assertEquals(described((List<Object>) sig.get("inputs")), meta.get("pt2.inputs"));
                assertEquals(described((List<Object>) sig.get("outputs")), meta.get("pt2.outputs"));
                assertEquals(sig.get("parameters"), names((List<String>) meta.get("pt2.parameters")));
                assertEquals(sig.get("buffers"), names((List<String>) meta.get("pt2.buffers")));
                assertEquals(sig.get("constants"), names((List<String>) meta.get("pt2.constants")));
            }
            if (want.get("aotinductor") instanceof List<?> aoti) {
                assertEquals(aoti, ((List<String>) meta.get("pt2.aotinductor_files")).stream().sorted().toList());
            }
        }
    }

    /** {@code name: dtype[d0, d1]} as the reader prints a signature entry. */
    @SuppressWarnings("unchecked")
    private static List<String> described(List<Object> specs) {
        List<String> out = new ArrayList<>();
        for (Object o : specs) {
            List<Object> s = (List<Object>) o;
            List<String> dims = ((List<Object>) s.get(2)).stream().map(String::valueOf).toList();
            out.add(s.get(0) + ": " + s.get(1) + "[" + String.join(", ", dims) + "]");
        }
        return out;
    }

    private static List<String> names(List<String> entries) {
        return entries.stream().map(s -> s.substring(0, s.indexOf(':'))).toList();
    }

    /** convert to .pth and safetensors; PyTorch 1.13 loads the .pth with the tensors the fixture was written from. */
    @Test
    @SuppressWarnings("unchecked")
    void convertsToPthThatPyTorchLoads(@TempDir Path dir) throws Exception {
        dev.torch4j.testing.ReferencePython.require();
        Map<String, String> want = new TreeMap<>();
        for (Object o : (List<Object>) expected().get("package_current.pt2").get("tensors")) {
            Map<String, Object> t = (Map<String, Object>) o;
            want.put((String) t.get("path"), t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256"));
        }
        Path pth = dir.resolve("out.pth");
        dev.torch4j.convert.Converter.convert(DIR.resolve("package_current.pt2"), pth, dev.torch4j.convert.ConvertOptions.defaults());
        String script = "import sys, hashlib, torch\n"
                + "sys.path.insert(0, sys.argv[2])\n"
                + "import torch_view\n"
                + "sd = torch.load(sys.argv[1])\n"
                + "for k, v in sd.items():\n"
                + "    print(k, str(v.dtype).replace('torch.', ''), list(v.shape), torch_view.sha256(v))\n";
        String out = dev.torch4j.testing.ReferencePython.runSource(script, pth.toString(),
                Paths.get("src/test/python").toAbsolutePath().toString());
        Map<String, String> got = new TreeMap<>();
        for (String line : out.strip().split("\n")) {
            int sp = line.indexOf(' ');
            got.put(line.substring(0, sp), line.substring(sp + 1));
        }
        assertEquals(want, got);
        Path st = dir.resolve("out.safetensors");
        dev.torch4j.convert.Converter.convert(DIR.resolve("package_current.pt2"), st, dev.torch4j.convert.ConvertOptions.defaults());
        try (Checkpoint cp = Torch.open(st)) {
            assertEquals(want.size() - 1, cp.tensors().size()); // head.weight is embed.weight: written once
        }
    }

    @Test
    void pythonNonFiniteFloatsInTheGraphJsonAreAccepted() throws Exception {
        String py = "{\"a\": -Infinity, \"b\": [NaN, Infinity], \"s\": \"NaN -Infinity \\\" Infinity\"}";
        Map<?, ?> m = (Map<?, ?>) Json.parse(Pt2Archive.pythonFloatsAsNull(py));
        assertEquals(null, m.get("a"));
        assertEquals(java.util.Arrays.asList(null, null), m.get("b"));
        assertEquals("NaN -Infinity \" Infinity", m.get("s"));
    }

    /** Dynamic dimensions (2.2+ {@code as_expr}, 2.1 {@code as_symbol}) are shown by name; a stored weight needs concrete sizes. */
    @Test
    void symbolicDimensionsAreNamed() throws Exception {
        TensorMeta m = TensorMeta.parse(Json.parse("{\"dtype\": 7, \"sizes\": [{\"as_expr\": {\"expr_str\": \"s0\", \"hint\": "
                + "{\"as_int\": 4}}}, {\"as_int\": 3}], \"requires_grad\": false, \"device\": {\"type\": \"cuda\", \"index\": 0}, "
                + "\"strides\": [{\"as_int\": 3}, {\"as_int\": 1}], \"storage_offset\": {\"as_int\": 0}, \"layout\": 7}"), "x");
        assertEquals("float32[s0, 3]", m.describe());
        assertEquals(null, m.sizes());
        assertEquals("cuda:0", m.device());
        TensorMeta old = TensorMeta.parse(Json.parse("{\"dtype\": 13, \"sizes\": [{\"as_symbol\": \"s1\"}], \"requires_grad\": true, "
                + "\"device\": {\"type\": \"cpu\"}, \"strides\": [{\"as_int\": 1}], \"storage_offset\": 0, \"layout\": 7}"), "y");
        assertEquals("bfloat16[s1]", old.describe());
    }

    @Test
    void tiedWeightsShareOneStorageAndViewsKeepTheirOffset() throws Exception {
        try (Checkpoint cp = Torch.open(DIR.resolve("package_current.pt2"))) {
            assertSame(cp.tensors().get("embed.weight").storage(), cp.tensors().get("head.weight").storage());
            Tensor sliced = cp.tensors().get("sliced");
            assertEquals(8, sliced.storageOffset());
            assertEquals(List.of(6L, 1L), List.of(sliced.stride()[0], sliced.stride()[1]));
            assertFalse(sliced.storage().isLoaded(), "raw weights are read on first use");
            assertTrue(cp.tensors().get("linear.weight").isParameter());
            assertEquals(List.of("tokenizer (opaque_obj_0)"), cp.metadata().get("pt2.custom_object_payloads"));
        }
    }

    @Test
    void scanFindsPicklesUnderAnyNameAndNativeCode() throws Exception {
        for (String clean : List.of("export_2_1.pt2", "export_2_3.pt2", "package_2_6.pt2", "package_2_8.pt2", "package_current.pt2")) {
            ScanResult r = ModelScanner.scan(DIR.resolve(clean));
            assertEquals(Verdict.CLEAN, r.verdict(), clean + ": " + r);
        }
        ScanResult evil = ModelScanner.scan(DIR.resolve("hostile_opaque.pt2"));
        assertEquals(Verdict.DANGEROUS, evil.verdict(), evil.toString());
        assertTrue(evil.dangerous().stream().anyMatch(f -> f.global().equals("posix.system")
                && f.entry().endsWith("data/constants/opaque_obj_0")), evil.toString());
        ScanResult aoti = ModelScanner.scan(DIR.resolve("aoti_package.pt2"));
        assertEquals(Verdict.DANGEROUS, aoti.verdict());
        Finding so = aoti.dangerous().get(0);
        assertTrue(so.entry().endsWith("data/aotinductor/model/model.so"), so.toString());
    }

    @Test
    void readingNeverUnpicklesOpaqueObjects() throws Exception {
        Files.deleteIfExists(dev.torch4j.testing.Fixtures.MARKER);
        try (Checkpoint cp = Torch.open(DIR.resolve("hostile_opaque.pt2"))) {
            assertEquals(9, cp.tensors().size());
            assertEquals(List.of("evil (opaque_obj_0)"), cp.metadata().get("pt2.custom_object_payloads"));
        }
        assertFalse(Files.exists(dev.torch4j.testing.Fixtures.MARKER));
    }

    @Test
    void hostileConfigsNameFileAndEntry(@TempDir Path dir) throws Exception {
        Path src = DIR.resolve("package_current.pt2");
        String cfg = "package_current/data/weights/model_weights_config.json";
        String[][] cases = {
                {"{\"config\": {\"w\": {\"path_name\": \"../../evil\", \"is_param\": true, \"use_pickle\": false, \"tensor_meta\": "
                        + "{\"dtype\": 7, \"sizes\": [{\"as_int\": 2}], \"requires_grad\": false, \"device\": {\"type\": \"cpu\"}, "
                        + "\"strides\": [{\"as_int\": 1}], \"storage_offset\": {\"as_int\": 0}, \"layout\": 7}}}}", "leaves"},
                {"{\"config\": {\"w\": {\"path_name\": \"weight_0\", \"is_param\": true, \"use_pickle\": false, \"tensor_meta\": "
                        + "{\"dtype\": 7, \"sizes\": [{\"as_int\": 1000000}], \"requires_grad\": false, \"device\": {\"type\": \"cpu\"}, "
                        + "\"strides\": [{\"as_int\": 1}], \"storage_offset\": {\"as_int\": 0}, \"layout\": 7}}}}", "weight_0"},
                {"{\"config\": [1, 2]}", "must be a JSON object"},
                {"{\"config\": {", "bad JSON"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("bad.pt2");
            replaceEntry(src, f, cfg, c[0]);
            TorchFileException ex = assertThrows(TorchFileException.class, () -> Torch.open(f).close());
            assertTrue(ex.getMessage().contains(f.toString()) && ex.getMessage().contains(c[1]), ex.getMessage());
        }
    }

    /** An archive of two models (package_pt2 with a dict of programs): names and metadata keys carry the model. */
    @Test
    void severalModelsArePrefixedByName(@TempDir Path dir) throws Exception {
        Path src = DIR.resolve("package_2_6.pt2");
        Path two = dir.resolve("two.pt2");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipFile in = new ZipFile(src.toFile()); ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] data = in.getInputStream(e).readAllBytes();
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(data);
                z.closeEntry();
                if (e.getName().endsWith("/models/model.json") || e.getName().endsWith("/data/weights/model.pt")) {
                    z.putNextEntry(new ZipEntry(e.getName().replace("model.", "decoder.")));
                    z.write(data);
                    z.closeEntry();
                }
            }
        }
        Files.write(two, out.toByteArray());
        try (Checkpoint cp = Torch.open(two)) {
            assertEquals(List.of("model", "decoder"), cp.metadata().get("pt2.models"));
            assertTrue(cp.tensors().containsKey("model.linear.weight") && cp.tensors().containsKey("decoder.linear.weight")
                    && cp.tensors().containsKey("model.lifted_tensor_0"), cp.tensors().keySet().toString());
            assertEquals(cp.tensors().get("model.linear.weight").sha256(), cp.tensors().get("decoder.linear.weight").sha256());
            assertEquals(cp.metadata().get("pt2.model.operators"), cp.metadata().get("pt2.decoder.operators"));
        }
    }

    static void replaceEntry(Path src, Path dst, String name, String content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipFile in = new ZipFile(src.toFile()); ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(e.getName().equals(name) ? content.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        : in.getInputStream(e).readAllBytes());
                z.closeEntry();
            }
        }
        Files.write(dst, out.toByteArray());
    }
}
