package dev.torch4j.convert;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.json.Json;
import dev.torch4j.safetensors.SafetensorsFile;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.torchsave.zip.PyTorchOracle;
import dev.torch4j.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every input kind converted, then read by real PyTorch (or numpy) and compared with PyTorch's own sha256s. */
class ConvertInteropTest {
    @TempDir Path dir;
    static Path fixtures;
    static Map<String, Object> expected;

    @BeforeAll @SuppressWarnings("unchecked")
    static void load() throws Exception {
        PyTorchOracle.assumeAvailable();
        fixtures = Path.of(ConvertInteropTest.class.getResource("/fixtures/expected.json").toURI()).getParent();
        expected = (Map<String, Object>) Json.parse(Files.readString(fixtures.resolve("expected.json")));
    }

    /** PyTorch's sha256 per tensor path for a fixture, as expected.json records it. */
    @SuppressWarnings("unchecked")
    static Map<String, String> shas(String fixture) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object t : (List<Object>) ((Map<String, Object>) expected.get(fixture)).get("tensors")) {
            Map<String, Object> m = (Map<String, Object>) t;
            out.put((String) m.get("path"), (String) m.get("sha256"));
        }
        return out;
    }

    static ConvertOptions opts(OutputFormat to, boolean stateDict, List<String> strip, DType dtype, long shard) {
        return new ConvertOptions(to, stateDict, strip, dtype, shard, false, ProgressListener.NONE);
    }

    private static Map<String, String> pytorchShas(Path file, String mode) {
        Map<String, String> out = new LinkedHashMap<>();
        PyTorchOracle.describe(file, mode).tensors().forEach((k, v) -> out.put(k, v.sha256()));
        return out;
    }

    @Test void zipStateDictToSafetensors() throws Exception {
        Path out = dir.resolve("mlp.safetensors");
        ConvertResult r = Converter.convert(fixtures.resolve("zip/mlp_state_dict.pt"), out, ConvertOptions.defaults());
        assertEquals(new java.util.TreeMap<>(shas("zip/mlp_state_dict.pt")), new java.util.TreeMap<>(pytorchShas(out, "safetensors")));
        assertEquals(9, r.tensors());
        assertEquals(List.of(out), r.files());
    }

    @Test void eachInputKindToPthAndSafetensors() throws Exception {
        record Case(String fixture, boolean stateDict, List<String> strip, String expectedPrefix) {}
        List<Case> cases = List.of(
                new Case("legacy/mlp_state_dict.pt", false, List.of(), ""),
                new Case("zip/lightning.ckpt", true, List.of("model."), "state_dict.model."),
                new Case("zip/whole_module.pt", true, List.of(), ""),
                new Case("legacy/whole_module.pt", true, List.of(), ""),
                new Case("torchscript/scripted.pt", true, List.of(), ""),
                new Case("pickle/tensors_plain_pickle_protocol2.pkl", false, List.of(), ""),
                new Case("zip/shared_storage.pt", false, List.of(), ""));
        for (Case c : cases) {
            Map<String, String> want = new java.util.TreeMap<>();
            shas(c.fixture()).forEach((k, v) -> {
                if (k.startsWith(c.expectedPrefix())) want.put(k.substring(c.expectedPrefix().length()), v);
            });
            String base = c.fixture().replace('/', '_');
            Path pth = dir.resolve(base + ".pth");
            Converter.convert(fixtures.resolve(c.fixture()), pth, opts(null, c.stateDict(), c.strip(), null, 0));
            Map<String, String> gotPth = new java.util.TreeMap<>(pytorchShas(pth, "weights_only"));
            assertEquals(want, gotPth, c.fixture() + " as pth");
            Path st = dir.resolve(base + ".safetensors");
            ConvertResult r = Converter.convert(fixtures.resolve(c.fixture()), st, opts(null, c.stateDict(), c.strip(), null, 0));
            Map<String, String> gotSt = new java.util.TreeMap<>(pytorchShas(st, "safetensors"));
            for (String dropped : r.dropped().keySet()) want.remove(dropped);
            assertEquals(want, gotSt, c.fixture() + " as safetensors");
        }
    }

    @Test void sharedStoragesStayTiedInPthButAreSplitInSafetensors() throws Exception {
        Path st = dir.resolve("shared.safetensors");
        ConvertResult r = Converter.convert(fixtures.resolve("zip/shared_storage.pt"), st, ConvertOptions.defaults());
        assertTrue(!r.dropped().isEmpty() || !r.copied().isEmpty(), r.toString());
        Path pth = dir.resolve("shared.pt");
        Converter.convert(fixtures.resolve("zip/shared_storage.pt"), pth, ConvertOptions.defaults());
        PyTorchOracle.Description src = PyTorchOracle.describe(fixtures.resolve("zip/shared_storage.pt"), "weights_only");
        PyTorchOracle.Description out = PyTorchOracle.describe(pth, "weights_only");
        for (String a : src.tensors().keySet()) for (String b : src.tensors().keySet()) {
            boolean shared = src.tensors().get(a).storage().equals(src.tensors().get(b).storage());
            assertEquals(shared, out.tensors().get(a).storage().equals(out.tensors().get(b).storage()), a + " ~ " + b);
        }
    }

    @Test void dtypeCastMatchesPyTorchRounding() throws Exception {
        Path src = dir.resolve("cast_src.pt");
        String script = """
                import sys, torch, hashlib
                torch.manual_seed(1)
                big = torch.randn(3000, dtype=torch.float64) * torch.logspace(-12, 6, 3000, dtype=torch.float64)
                sd = {'f32': torch.randn(64, 33) * 1000, 'f64': big, 'ints': torch.arange(5),
                      'edge': torch.tensor([65504.0, 65520.0, 1e-8, -0.0, float('inf'), 3.0e38, 1.00390625, 1.01171875])}
                sd['view'] = sd['f32'][:, 1:5]
                torch.save(sd, sys.argv[1])
                for target in (torch.float16, torch.bfloat16):
                    for k, t in sd.items():
                        c = t.to(target) if t.is_floating_point() else t
                        b = c.contiguous().view(torch.int16).numpy().tobytes() if c.dtype in (torch.float16, torch.bfloat16) else c.contiguous().numpy().tobytes()
                        print(str(target).replace('torch.', ''), k, hashlib.sha256(b).hexdigest())
                """;
        String out = PyTorchOracle.runScript(dir, script, src.toString());
        for (DType target : List.of(DType.FLOAT16, DType.BFLOAT16)) {
            Path pth = dir.resolve("cast_" + target.pythonName() + ".pt");
            Converter.convert(src, pth, opts(null, false, List.of(), target, 0));
            Map<String, String> got = pytorchShas(pth, "weights_only");
            PyTorchOracle.Description d = PyTorchOracle.describe(pth, "weights_only");
            assertEquals(d.tensors().get("f32").storage(), d.tensors().get("view").storage(), "view still shares after the cast");
            Path st = dir.resolve("cast_" + target.pythonName() + ".safetensors");
            Converter.convert(src, st, opts(null, false, List.of(), target, 0));
            Map<String, String> gotSt = pytorchShas(st, "safetensors");
            for (String line : out.lines().toList()) {
                String[] p = line.split(" ");
                if (!p[0].equals(target.pythonName())) continue;
                assertEquals(p[2], got.get(p[1]), target + " " + p[1] + " (pth)");
                assertEquals(p[2], gotSt.get(p[1]), target + " " + p[1] + " (safetensors)");
            }
        }
    }

    @Test void shardsRoundTripThroughHuggingFaceIndex() throws Exception {
        String fixture = "zip/mlp_state_dict.pt";
        Path out = dir.resolve("model.safetensors");
        ConvertResult r = Converter.convert(fixtures.resolve(fixture), out, opts(null, false, List.of(), null, 600));
        assertTrue(r.files().size() > 2, r.files().toString());
        Path index = dir.resolve("model.safetensors.index.json");
        assertEquals(index, r.files().get(r.files().size() - 1));
        int n = r.files().size() - 1;
        assertEquals(dir.resolve(String.format("model-00001-of-%05d.safetensors", n)), r.files().get(0));
        @SuppressWarnings("unchecked")
        Map<String, Object> idx = (Map<String, Object>) Json.parse(Files.readString(index));
        assertEquals(9, ((Map<?, ?>) idx.get("weight_map")).size());
        long total = 0;
        try (Checkpoint c = Torch.open(fixtures.resolve(fixture))) {
            for (Tensor t : c.tensors().values()) total += t.byteSize();
        }
        assertEquals(total, ((Map<?, ?>) idx.get("metadata")).get("total_size"));

        // Merge the shards back: one file with every tensor, as PyTorch computed them.
        Path merged = dir.resolve("merged.pt");
        Converter.convert(index, merged, ConvertOptions.defaults());
        assertEquals(new java.util.TreeMap<>(shas(fixture)), new java.util.TreeMap<>(pytorchShas(merged, "weights_only")));

        // .bin shards written by PyTorch with a Hugging Face index.
        String script = """
                import sys, os, json, torch
                d = sys.argv[1]
                sd = torch.load(sys.argv[2])
                keys = list(sd)
                parts = [keys[:4], keys[4:]]
                wm = {}
                for i, ks in enumerate(parts):
                    name = 'pytorch_model-%05d-of-00002.bin' % (i + 1)
                    torch.save({k: sd[k] for k in ks}, os.path.join(d, name))
                    wm.update({k: name for k in ks})
                json.dump({'metadata': {'total_size': 0}, 'weight_map': wm}, open(os.path.join(d, 'pytorch_model.bin.index.json'), 'w'))
                """;
        Path binDir = Files.createDirectories(dir.resolve("bins"));
        PyTorchOracle.runScript(dir, script, binDir.toString(), fixtures.resolve(fixture).toString());
        Path fromBins = dir.resolve("from_bins.safetensors");
        Converter.convert(binDir.resolve("pytorch_model.bin.index.json"), fromBins, ConvertOptions.defaults());
        assertEquals(new java.util.TreeMap<>(shas(fixture)), new java.util.TreeMap<>(pytorchShas(fromBins, "safetensors")));

        // pth shards load in PyTorch one by one.
        Path binOut = dir.resolve("out").resolve("pytorch_model.bin");
        Files.createDirectories(binOut.getParent());
        ConvertResult rb = Converter.convert(fixtures.resolve(fixture), binOut, opts(null, false, List.of(), null, 600));
        Map<String, String> all = new java.util.TreeMap<>();
        for (Path shard : rb.files().subList(0, rb.files().size() - 1)) {
            assertTrue(shard.getFileName().toString().matches("pytorch_model-\\d{5}-of-\\d{5}\\.bin"), shard.toString());
            all.putAll(pytorchShas(shard, "weights_only"));
        }
        assertEquals(new java.util.TreeMap<>(shas(fixture)), all);
    }

    @Test void refusesToOverwriteAndRejectsHostileIndex() throws Exception {
        Path out = dir.resolve("x.safetensors");
        Files.writeString(out, "keep");
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> Converter.convert(fixtures.resolve("zip/mlp_state_dict.pt"), out, ConvertOptions.defaults()));
        assertEquals("keep", Files.readString(out));
        Path index = dir.resolve("evil.index.json");
        Files.writeString(index, "{\"weight_map\": {\"a\": \"../../etc/passwd\"}}");
        assertThrows(dev.torch4j.TorchFileException.class, () -> Converter.convert(index, dir.resolve("y.pt"), ConvertOptions.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> Converter.convert(fixtures.resolve("zip/whole_module.pt"), dir.resolve("m.pt"), ConvertOptions.defaults()));
    }

    @Test void safetensorsInputReadsBack() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Converter.convert(fixtures.resolve("zip/dtypes.pt"), dir.resolve("d.safetensors"), ConvertOptions.defaults()));
        assertTrue(e.getMessage().contains("complex128"), e.getMessage());
        Path st = dir.resolve("a.safetensors");
        Converter.convert(fixtures.resolve("zip/views.pt"), st, ConvertOptions.defaults());
        Path back = dir.resolve("back.pt");
        Converter.convert(st, back, ConvertOptions.defaults());
        assertEquals(new java.util.TreeMap<>(shas("zip/views.pt")), new java.util.TreeMap<>(pytorchShas(back, "weights_only")));
        try (SafetensorsFile f = SafetensorsFile.open(st)) {
            Map<String, String> want = new java.util.TreeMap<>(shas("zip/views.pt"));
            Map<String, String> got = new java.util.TreeMap<>();
            f.tensors().forEach((k, t) -> got.put(k, t.sha256()));
            want.keySet().retainAll(got.keySet());
            assertEquals(want, got);
        }
    }
}
