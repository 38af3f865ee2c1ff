package dev.torch4j.stats;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.json.Json;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Statistics of a PyTorch-written state dict against numpy's figures for the same tensors
 * ({@code gen_report_fixtures.py} wrote both): counts exactly, min/max exactly, mean/std to
 * rounding, histogram bins and counts exactly.
 */
class TensorStatisticsTest {
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> expected() throws Exception {
        return (Map<String, Map<String, Object>>) Json.parse(Files.readString(Fixtures.file("report/expected_stats.json")));
    }

    @Test void matchesNumpyWithSmallChunksOnSeveralThreads() throws Exception {
        // 1000-element chunks: the 5000-element and 2048-element tensors merge several chunks.
        check(new TensorStatistics(2, 1000));
    }

    @Test void matchesNumpyWithDefaultChunksOnOneThread() throws Exception {
        check(new TensorStatistics(1, 1 << 16));
    }

    private void check(TensorStatistics statistics) throws Exception {
        Map<String, Map<String, Object>> expected = expected();
        try (Checkpoint cp = Torch.open(Fixtures.file("report/stats_model.pt"))) {
            List<long[]> progress = new ArrayList<>();
            Map<String, TensorStats> stats = statistics.of(cp.tensors(), (done, total) -> progress.add(new long[] {done, total}));
            assertEquals(expected.keySet(), stats.keySet(), "complex tensors excluded, every other tensor present");
            for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) {
                String path = e.getKey();
                Map<String, Object> want = e.getValue();
                TensorStats got = stats.get(path);
                assertEquals(want.get("count"), got.count(), path);
                assertEquals(want.get("finite"), got.finite(), path);
                assertEquals(want.get("nan"), got.nan(), path);
                assertEquals(want.get("posinf"), got.posInf(), path);
                assertEquals(want.get("neginf"), got.negInf(), path);
                assertEquals(want.get("zeros"), got.zeros(), path);
                if (!want.containsKey("min")) {
                    assertTrue(Double.isNaN(got.mean()) && got.histogram().isEmpty(), path);
                    continue;
                }
                assertEquals(((Number) want.get("min")).doubleValue(), got.min(), 0, path);
                assertEquals(((Number) want.get("max")).doubleValue(), got.max(), 0, path);
                double mean = ((Number) want.get("mean")).doubleValue();
                double std = ((Number) want.get("std")).doubleValue();
                assertEquals(mean, got.mean(), 1e-12 * Math.max(Math.abs(mean), std), path + " mean");
                assertEquals(std, got.std(), 1e-12 * Math.max(std, Math.abs(mean)), path + " std");
                Map<String, Object> h = (Map<String, Object>) want.get("histogram");
                assertEquals(((Number) h.get("exponent")).intValue(), got.histogram().exponent(), path + " bin width");
                assertEquals(((Number) h.get("low")).doubleValue(), got.histogram().low(), 0, path + " first edge");
                List<Long> counts = ((List<Object>) h.get("counts")).stream().map(o -> ((Number) o).longValue()).collect(Collectors.toList());
                assertEquals(counts, java.util.Arrays.stream(got.histogram().counts()).boxed().collect(Collectors.toList()), path + " counts");
            }
            assertFalse(progress.isEmpty());
            long[] last = progress.get(progress.size() - 1);
            assertEquals(last[1], last[0], "progress ends at the total");
        }
    }

    @Test void warnsAboutWhatTheFixtureWasBuiltToShow() throws Exception {
        try (Checkpoint cp = Torch.open(Fixtures.file("report/stats_model.pt"))) {
            Map<String, Tensor> tensors = cp.tensors();
            List<Warning> warnings = WeightWarnings.find(tensors, new TensorStatistics().of(tensors, StatsProgress.NONE));
            Map<String, List<String>> byKind = warnings.stream().collect(Collectors.groupingBy(Warning::kind,
                    Collectors.flatMapping(w -> w.paths().stream(), Collectors.toList())));
            assertEquals(List.of("bad.weight"), byKind.get("non_finite"));
            assertEquals(List.of("layers.1.bias"), byKind.get("all_zero"));
            // layers.2.weight is 1e4x its siblings; the zero bias is infinitely below its siblings
            assertEquals(List.of("layers.1.bias", "layers.2.weight"), byKind.get("scale_outlier").stream().sorted().toList());
            Warning mixed = warnings.stream().filter(w -> w.kind().equals("mixed_dtypes")).findFirst().orElseThrow();
            assertTrue(mixed.message().contains("float16") && mixed.message().contains("bfloat16")
                    && mixed.message().contains("float32") && mixed.message().contains("float64"), mixed.message());
            assertEquals(4, byKind.size(), warnings.toString());
        }
    }

    @Test void siblingKeyReplacesNumericSegments() {
        assertEquals("layers.#.attn.#.weight", WeightWarnings.siblingKey("layers.12.attn.0.weight"));
        assertEquals("fc1.weight", WeightWarnings.siblingKey("fc1.weight"));
    }
}
