package dev.torch4j.diff;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Diffs of PyTorch-written checkpoints against numpy's verdicts ({@code gen_report_fixtures.py}):
 * the same weights in three formats are equal; a changed copy gives numpy's numbers.
 */
class CheckpointDiffTest {
    private static DiffResult diff(String a, String b, DiffOptions options) throws java.io.IOException {
        try (Checkpoint ca = Torch.open(Fixtures.file("report/" + a)); Checkpoint cb = Torch.open(Fixtures.file("report/" + b))) {
            // chunks of 7 elements: comparisons cross chunk boundaries mid-tensor
            return new CheckpointDiff(options, 2, 7).compare(ca.stateDict(), cb.stateDict());
        }
    }

    @Test void sameWeightsInZipLegacyAndSafetensorsAreEqual() throws Exception {
        assertTrue(diff("diff_a.pt", "diff_a_legacy.pt", DiffOptions.DEFAULT).equalWithinTolerance());
        DiffResult r = diff("diff_a.pt", "diff_a.safetensors", new DiffOptions(0, 0, List.of("model.")));
        assertTrue(r.equalWithinTolerance(), r.toString());
        assertEquals(7, r.count(TensorComparison.Status.EQUAL));
        DiffResult unstripped = diff("diff_a.pt", "diff_a.safetensors", DiffOptions.DEFAULT);
        assertFalse(unstripped.equalWithinTolerance());
        assertEquals(7, unstripped.onlyInA().size());
    }

    @SuppressWarnings("unchecked")
    @Test void changedCopyGivesNumpysNumbers() throws Exception {
        Map<String, Object> expected = (Map<String, Object>) Json.parse(Files.readString(Fixtures.file("report/expected_diff.json")));
        Map<String, Object> tolerances = (Map<String, Object>) expected.get("tolerances");
        for (Map.Entry<String, Object> tol : tolerances.entrySet()) {
            Map<String, Object> t = (Map<String, Object>) tol.getValue();
            DiffOptions options = new DiffOptions(((Number) t.get("atol")).doubleValue(), ((Number) t.get("rtol")).doubleValue(), List.of());
            DiffResult r = diff("diff_a.pt", "diff_b.pt", options);
            assertEquals(expected.get("only_in_a"), r.onlyInA());
            assertEquals(expected.get("only_in_b"), r.onlyInB());
            assertFalse(r.equalWithinTolerance());
            Map<String, Object> tensors = (Map<String, Object>) t.get("tensors");
            assertEquals(tensors.keySet(), r.common().stream().map(TensorComparison::path).collect(java.util.stream.Collectors.toSet()));
            for (TensorComparison c : r.common()) {
                Map<String, Object> want = (Map<String, Object>) tensors.get(c.path());
                String where = tol.getKey() + " " + c.path();
                assertEquals(want.get("status"), c.status().id(), where);
                if (c.status() == TensorComparison.Status.SHAPE_CHANGED) continue;
                assertEquals(want.get("outside"), c.outside(), where);
                assertEquals(((Number) want.get("max_abs")).doubleValue(), c.maxAbsDiff(), 0, where);
                assertEquals(((Number) want.get("max_rel")).doubleValue(), c.maxRelDiff(), 0, where);
            }
        }
    }

    @Test void worstElementIsFound() throws Exception {
        TensorComparison bias = diff("diff_a.pt", "diff_b.pt", DiffOptions.DEFAULT).common().stream()
                .filter(c -> c.path().equals("model.enc.bias")).findFirst().orElseThrow();
        assertEquals(5, bias.worstIndex()); // the -3.0 change
    }

    @Test void collidingNamesAfterStrippingAreBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> diff("diff_a.pt", "diff_a.pt", new DiffOptions(0, 0, List.of("model.enc.", "model.dec."))));
        assertTrue(e.getMessage().contains("'bias'") || e.getMessage().contains("'weight'"), e.getMessage());
    }
}
