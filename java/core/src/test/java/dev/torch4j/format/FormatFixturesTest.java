package dev.torch4j.format;

import dev.torch4j.Checkpoint;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixtures {@code gen_format_fixtures.py} writes for cases the corpus lacks (big-endian zips,
 * CRC-0 entries, legacy views, cuda locations, quantized and sparse tensors, pickled modules, the
 * tar layout, broken files), checked against what PyTorch 1.13 loaded from the same files.
 */
class FormatFixturesTest {
    private static final Path DIR = Paths.get("src/test/resources/format");

    @TestFactory
    List<DynamicTest> fixtures() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> all = (Map<String, Object>) dev.torch4j.json.Json.parse(Files.readString(DIR.resolve("expected.json")));
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Object> e : all.entrySet()) {
            @SuppressWarnings("unchecked") Map<String, Object> want = (Map<String, Object>) e.getValue();
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(DIR.resolve(e.getKey()), want)));
        }
        return tests;
    }

    @SuppressWarnings("unchecked")
    private static void check(Path file, Map<String, Object> want) throws Exception {
        if (want.containsKey("error")) {
            TorchFileException ex = assertThrows(TorchFileException.class, () -> {
                try (Checkpoint cp = Torch.open(file)) {
                    for (Tensor t : cp.tensors().values()) t.sha256(); // lazy data must fail cleanly too
                }
            });
            assertEquals(file.toString(), ex.file(), ex.getMessage());
            return;
        }
        try (Checkpoint cp = Torch.open(file)) {
            assertEquals(want.get("format"), cp.format().id());
            Map<String, String> expected = new LinkedHashMap<>();
            for (Object o : (List<Object>) want.get("tensors")) {
                Map<String, Object> t = (Map<String, Object>) o;
                expected.put((String) t.get("path"), t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256"));
            }
            Map<String, String> actual = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> t : cp.tensors().entrySet()) {
                List<Long> shape = new ArrayList<>();
                for (long d : t.getValue().shape()) shape.add(d);
                actual.put(t.getKey(), t.getValue().dtype().pythonName() + " " + shape + " " + t.getValue().sha256());
            }
            assertEquals(expected, actual);
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()), "file order");

            if (want.get("device") instanceof String device) {
                for (Tensor t : cp.tensors().values()) assertEquals(device, t.device());
            }
            if (want.get("byteorder") instanceof String order) {
                assertEquals(order, cp.metadata().get("archive.byteorder"));
            }
            if (want.get("state_dict") instanceof List<?> keys) {
                assertEquals(keys, new ArrayList<>(cp.stateDict().keySet()));
            }
            if (want.get("shared") instanceof List<?> shared) {
                Object storage = cp.tensors().get((String) shared.get(0)).storage();
                for (Object p : shared) assertSame(storage, cp.tensors().get((String) p).storage(), "shared storage " + p);
            }
            if (want.get("quantization") instanceof Map<?, ?> q) checkQuantization(cp, (Map<String, Object>) q);
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkQuantization(Checkpoint cp, Map<String, Object> want) {
        Map<String, Object> pt = (Map<String, Object>) want.get("per_tensor");
        Quantization q = cp.tensors().get("per_tensor").quantization();
        assertNotNull(q);
        assertEquals(pt.get("scheme"), q.scheme());
        assertEquals(((Number) pt.get("scale")).doubleValue(), q.scale(), 1e-12);
        assertEquals(((Number) pt.get("zero_point")).longValue(), q.zeroPoint());
        Map<String, Object> pc = (Map<String, Object>) want.get("per_channel");
        Quantization c = cp.tensors().get("per_channel").quantization();
        assertEquals(pc.get("scheme"), c.scheme());
        assertTrue(c.isPerChannel());
        assertEquals(((Number) pc.get("axis")).longValue(), c.axis());
    }
}
