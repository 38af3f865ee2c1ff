package dev.torch4j.torchsave.zip;

import dev.torch4j.tensor.Tensors;
import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.json.Json;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files PyTorch wrote (the committed fixtures) are loaded by torch4j and saved again by
 * TorchSaver; PyTorch then sees the same tensors (values, dtypes, shapes, sharing, Parameter
 * flags) and the same plain values in both. PyTorch re-saving a Java-written file gives back
 * the same tensors in Java.
 */
class TorchSaverRoundTripTest {
    @TempDir Path dir;

    @SuppressWarnings("unchecked")
    @Test void fixturesSurviveLoadAndSave() throws Exception {
        PyTorchOracle.assumeAvailable();
        Path fixtures = Path.of(TorchSaverRoundTripTest.class.getResource("/fixtures/expected.json").toURI()).getParent();
        Map<String, Object> expected = (Map<String, Object>) Json.parse(Files.readString(fixtures.resolve("expected.json")));
        List<String> roundTripped = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Map<String, List<Path>> filesByMode = new HashMap<>();
        Map<String, Path[]> pairs = new java.util.LinkedHashMap<>(); // name -> {source, copy}
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String name = e.getKey();
            String loadedBy = (String) ((Map<String, Object>) e.getValue()).get("loaded_by");
            if (!(name.startsWith("zip/") || name.startsWith("legacy/"))) continue;
            if (!loadedBy.equals("weights_only") && !loadedBy.equals("full")) continue;
            Path source = fixtures.resolve(name);
            Path copy = dir.resolve(name.replace('/', '_'));
            try {
                TorchSaver.save(Torch.load(source), copy);
            } catch (IllegalArgumentException refusedTree) {
                refused.add(name); // pickled modules, optimizer objects...: not weights_only material
                continue;
            }
            pairs.put(name, new Path[] {source, copy});
            filesByMode.computeIfAbsent(loadedBy, k -> new ArrayList<>()).addAll(List.of(source, copy));
        }
        Map<Path, PyTorchOracle.Description> seen = new HashMap<>();
        filesByMode.forEach((mode, files) -> seen.putAll(PyTorchOracle.describeAll(files, mode)));
        for (Map.Entry<String, Path[]> p : pairs.entrySet()) {
            String name = p.getKey();
            PyTorchOracle.Description original = seen.get(p.getValue()[0]);
            PyTorchOracle.Description saved = seen.get(p.getValue()[1]);
            assertSameTensors(name, original, saved);
            assertEquals(original.values(), saved.values(), name + ": plain values");
            for (Map.Entry<String, String> c : original.containers().entrySet()) {
                String length = c.getValue().substring(c.getValue().indexOf(':'));
                assertTrue(saved.containers().get(c.getKey()).endsWith(length), name + ": container " + c.getKey());
            }
            roundTripped.add(name);
        }
        assertTrue(roundTripped.size() >= 14, "round-tripped " + roundTripped + ", refused " + refused);
        assertTrue(roundTripped.contains("zip/quantized.pt") && roundTripped.contains("legacy/views.pt"), roundTripped.toString());
    }

    static void assertSameTensors(String name, PyTorchOracle.Description a, PyTorchOracle.Description b) {
        assertEquals(a.tensors().keySet(), b.tensors().keySet(), name);
        Map<String, String> storageMap = new HashMap<>();
        for (PyTorchOracle.PyTensor t : a.tensors().values()) {
            PyTorchOracle.PyTensor u = b.tensors().get(t.path());
            String where = name + " " + t.path();
            assertEquals(t.dtype(), u.dtype(), where);
            assertEquals(t.shape(), u.shape(), where);
            assertEquals(t.sha256(), u.sha256(), where);
            assertEquals(t.values(), u.values(), where);
            assertEquals(t.requiresGrad(), u.requiresGrad(), where);
            assertEquals(t.parameter(), u.parameter(), where);
            // Sharing is a partition of tensors by storage: it must map one-to-one.
            String mapped = storageMap.putIfAbsent(t.storage(), u.storage());
            if (mapped != null) assertEquals(mapped, u.storage(), where + " shares a storage as in the original");
        }
        assertEquals(storageMap.size(), new java.util.HashSet<>(storageMap.values()).size(), name + ": no extra sharing");
    }

    @Test void pytorchResavesJavaFileAndJavaReadsItBack() throws Exception {
        PyTorchOracle.assumeAvailable();
        Path javaFile = dir.resolve("java.pt");
        Map<String, Object> tree = new java.util.LinkedHashMap<>();
        Tensor w = Tensors.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        tree.put("w", w);
        tree.put("col", new Tensor(dev.torch4j.tensor.DType.FLOAT32, new long[]{2}, new long[]{3}, 1, w.storage()));
        tree.put("ids", Tensors.of(new long[]{7, 8}, 2));
        TorchSaver.save(tree, javaFile);
        Path resaved = dir.resolve("resaved.pt");
        PyTorchOracle.resave(javaFile, resaved);
        try (Checkpoint mine = Torch.open(javaFile); Checkpoint theirs = Torch.open(resaved)) {
            assertEquals(mine.tensors().keySet(), theirs.tensors().keySet());
            for (String k : mine.tensors().keySet()) {
                Tensor x = mine.tensors().get(k), y = theirs.tensors().get(k);
                assertEquals(x.sha256(), y.sha256(), k);
                assertEquals(x.dtype(), y.dtype(), k);
                assertEquals(java.util.Arrays.toString(x.stride()), java.util.Arrays.toString(y.stride()), k);
                assertEquals(x.storageOffset(), y.storageOffset(), k);
            }
            assertTrue(theirs.tensors().get("w").storage() == theirs.tensors().get("col").storage(), "still shared");
            assertEquals(List.of(2f, 5f), List.of(theirs.tensors().get("col").toFloatArray()[0], theirs.tensors().get("col").toFloatArray()[1]));
        }
    }
}
