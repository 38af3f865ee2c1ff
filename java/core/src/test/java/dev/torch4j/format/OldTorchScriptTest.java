package dev.torch4j.format;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.tensor.Quantization;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch 1.0/1.1 TorchScript archives written by {@code gen_oldts_fixtures.py}. The reference
 * PyTorch 1.13 build refuses legacy archives outright, so the expected tensors are the views
 * import_legacy.cpp builds, computed by PyTorch (as_strided over the raw records) with state_dict
 * names from torch.jit.script of a module declaring the same parameters and buffers.
 */
class OldTorchScriptTest {
    private static final Path DIR = Paths.get("src/test/resources/oldts");

    @TestFactory
    List<DynamicTest> fixtures() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> all = (Map<String, Object>) dev.torch4j.json.Json.parse(Files.readString(DIR.resolve("expected.json")));
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Object> e : all.entrySet()) {
            @SuppressWarnings("unchecked") Map<String, Object> want = (Map<String, Object>) e.getValue();
            Path file = DIR.resolve(e.getKey());
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                if (want.containsKey("error")) {
                    checkError(file, want);
                } else {
                    checkModel(file, want);
                }
            }));
        }
        return tests;
    }

    @SuppressWarnings("unchecked")
    private static void checkModel(Path file, Map<String, Object> want) throws Exception {
        try (Checkpoint cp = Torch.open(file)) {
            assertEquals(Format.TORCHSCRIPT, cp.format());
            assertEquals(want.get("format"), cp.format().id());
            assertEquals(Boolean.TRUE, cp.metadata().get("torchscript.legacy_format"));
            assertEquals(((Number) want.get("proto_version")).longValue(), cp.metadata().get("torchscript.proto_version"));

            List<Object> tensors = (List<Object>) want.get("tensors");
            List<String> paths = new ArrayList<>();
            for (Object o : tensors) paths.add((String) ((Map<String, Object>) o).get("path"));
            assertEquals(paths, new ArrayList<>(cp.tensors().keySet()), "state_dict names in PyTorch's order");
            assertEquals(paths, new ArrayList<>(cp.stateDict().keySet()));

            for (Object o : tensors) {
                Map<String, Object> t = (Map<String, Object>) o;
                String path = (String) t.get("path");
                Tensor actual = cp.tensors().get(path);
                assertEquals(t.get("dtype"), actual.dtype().pythonName(), path);
                assertArrayEquals(longs(t.get("shape")), actual.shape(), path);
                assertEquals(t.get("sha256"), actual.sha256(), path);
                assertEquals(t.get("requires_grad"), actual.requiresGrad(), path);
            }
            Map<String, Object> views = (Map<String, Object>) want.get("views");
            for (Map.Entry<String, Object> v : views.entrySet()) {
                Map<String, Object> view = (Map<String, Object>) v.getValue();
                Tensor actual = cp.tensors().get(v.getKey());
                assertArrayEquals(longs(view.get("stride")), actual.stride(), v.getKey());
                assertEquals(((Number) view.get("offset")).longValue(), actual.storageOffset(), v.getKey());
            }
            for (Object g : (List<Object>) want.get("shared_storages")) {
                List<Object> group = (List<Object>) g;
                Tensor first = cp.tensors().get((String) group.get(0));
                for (Object p : group) assertSame(first.storage(), cp.tensors().get((String) p).storage(), p + " shares " + group.get(0));
                for (Map.Entry<String, Tensor> other : cp.tensors().entrySet()) {
                    if (!group.contains(other.getKey())) assertNotSame(first.storage(), other.getValue().storage(), other.getKey());
                }
            }
            if (want.get("quantized") instanceof Map<?, ?> quantized) {
                for (Map.Entry<?, ?> q : quantized.entrySet()) {
                    Map<String, Object> params = (Map<String, Object>) q.getValue();
                    Quantization actual = cp.tensors().get((String) q.getKey()).quantization();
                    assertEquals(((Number) params.get("scale")).doubleValue(), actual.scale());
                    assertEquals(((Number) params.get("zero_point")).longValue(), actual.zeroPoint());
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkError(Path file, Map<String, Object> want) {
        Map<String, Object> error = (Map<String, Object>) want.get("error");
        TorchFileException ex = assertThrows(TorchFileException.class, () -> {
            try (Checkpoint cp = Torch.open(file)) {
                for (Tensor t : cp.tensors().values()) t.sha256();
            }
        });
        assertEquals(file.toString(), ex.file(), ex.getMessage());
        assertEquals(error.get("entry"), ex.entry(), ex.getMessage());
        assertEquals(((Number) error.get("offset")).longValue(), ex.offset(), ex.getMessage());
        assertTrue(ex.reason().contains((String) error.get("reason")), ex.getMessage());
    }

    private static long[] longs(Object list) {
        return ((List<?>) list).stream().mapToLong(o -> ((Number) o).longValue()).toArray();
    }

    @org.junit.jupiter.api.Test
    void fixturesStayOutOfReachOfTheReferencePyTorch() throws Exception {
        // Keeps the report honest: if a regenerated expected.json ever says PyTorch loaded a file, the
        // class comment above is stale and the expectations should come from torch.jit.load instead.
        @SuppressWarnings("unchecked")
        Map<String, Object> all = (Map<String, Object>) dev.torch4j.json.Json.parse(Files.readString(DIR.resolve("expected.json")));
        for (Map.Entry<String, Object> e : all.entrySet()) {
            Object msg = ((Map<?, ?>) e.getValue()).get("pytorch_1_13_load_error");
            assertTrue(String.valueOf(msg).contains("Legacy model format"), e.getKey() + ": " + msg);
        }
        assertTrue(Arrays.asList(DIR.toFile().list()).contains("oldts_linear_proto1.pt"));
    }
}
