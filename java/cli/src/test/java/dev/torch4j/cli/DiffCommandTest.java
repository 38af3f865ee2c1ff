package dev.torch4j.cli;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code torch4j diff} on PyTorch-made fixtures: verdicts, exit codes and numpy's numbers. */
class DiffCommandTest {
    private static String f(String name) {
        return Fixtures.file("report/" + name).toString();
    }

    @Test void sameWeightsInThreeFormatsExitZero() {
        CliRun legacy = CliRun.of("diff", f("diff_a.pt"), f("diff_a_legacy.pt"));
        assertEquals(0, legacy.exit(), legacy::toString);
        assertTrue(legacy.out().contains("equal: 7 of 7 common tensors"), legacy::toString);
        CliRun st = CliRun.of("diff", f("diff_a.safetensors"), f("diff_a.pt"), "--strip-prefix", "model.", "--atol", "0", "--rtol", "0");
        assertEquals(0, st.exit(), st::toString);
        CliRun unstripped = CliRun.of("diff", f("diff_a.safetensors"), f("diff_a.pt"));
        assertEquals(1, unstripped.exit(), unstripped::toString);
        assertTrue(unstripped.out().contains("only in A (7)") && unstripped.out().contains("only in B (7)"), unstripped::toString);
    }

    @SuppressWarnings("unchecked")
    @Test void changedCopyExitsOneWithNumpysNumbers() throws Exception {
        Map<String, Object> expected = (Map<String, Object>) Json.parse(Files.readString(Fixtures.file("report/expected_diff.json")));
        Map<String, Object> loose = (Map<String, Object>) ((Map<String, Object>) expected.get("tolerances")).get("loose");
        CliRun run = CliRun.of("diff", "--json", "--atol", "1e-6", "--rtol", "1e-3", f("diff_a.pt"), f("diff_b.pt"));
        assertEquals(1, run.exit(), run::toString);
        Map<String, Object> got = (Map<String, Object>) Json.parse(run.out());
        assertEquals(false, got.get("equal"));
        assertEquals(expected.get("only_in_a"), got.get("only_in_a"));
        assertEquals(expected.get("only_in_b"), got.get("only_in_b"));
        Map<String, Object> want = (Map<String, Object>) loose.get("tensors");
        for (Object o : (List<Object>) got.get("tensors")) {
            Map<String, Object> t = (Map<String, Object>) o;
            Map<String, Object> w = (Map<String, Object>) want.get(t.get("path"));
            assertEquals(w.get("status"), t.get("status"), t.toString());
            if (w.containsKey("outside")) {
                assertEquals(w.get("outside"), t.get("outside"), t.toString());
                assertEquals(((Number) w.get("max_abs")).doubleValue(), ((Number) t.get("max_abs")).doubleValue(), 0, t.toString());
                assertEquals(((Number) w.get("max_rel")).doubleValue(), ((Number) t.get("max_rel")).doubleValue(), 0, t.toString());
            }
        }
        Map<String, Object> bias = ((List<Map<String, Object>>) (List<?>) got.get("tensors")).stream()
                .filter(t -> t.get("path").equals("model.enc.bias")).findFirst().orElseThrow();
        assertEquals(List.of(5L), bias.get("worst_index"));
    }

    @Test void textNamesEachKindOfChange() {
        CliRun run = CliRun.of("diff", f("diff_a.pt"), f("diff_b.pt"));
        assertEquals(1, run.exit(), run::toString);
        assertTrue(run.out().contains("model.dec.bias     shape [16] -> [17]"), run::toString);
        assertTrue(run.out().contains("model.norm.weight  dtype float32 -> float16; 16 of 16 outside tolerance"), run::toString);
        assertTrue(run.out().contains("model.enc.bias     3 of 32 outside tolerance, max abs 3, max rel 1.85, worst at [5]"), run::toString);
        assertTrue(run.out().contains("within tolerance: 1 tensor (max abs diff 4.77e-7)"), run::toString);
        assertTrue(run.out().trim().endsWith("different (atol 1e-8, rtol 0.00001)"), run::toString);
        // a looser rtol only leaves the dtype change of norm.weight
        CliRun loose = CliRun.of("diff", "--rtol", "1e-3", f("diff_a.pt"), f("diff_b.pt"));
        assertTrue(loose.out().contains("model.norm.weight  dtype float32 -> float16; 0 of 16 outside tolerance"), loose::toString);
    }

    @Test void badInputExitsTwoNamingThePath() {
        CliRun missing = CliRun.of("diff", f("diff_a.pt"), "no/such/file.pt");
        assertEquals(2, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("no/such/file.pt"), missing::toString);
        CliRun garbage = CliRun.of("diff", f("diff_a.pt"), f("expected_diff.json"));
        assertEquals(2, garbage.exit(), garbage::toString);
        assertTrue(garbage.err().startsWith("torch4j: ") && garbage.err().contains("expected_diff.json"), garbage::toString);
        CliRun tol = CliRun.of("diff", "--atol", "-1", f("diff_a.pt"), f("diff_b.pt"));
        assertEquals(2, tol.exit(), tol::toString);
        CliRun clash = CliRun.of("diff", "--strip-prefix", "model.enc.", "--strip-prefix", "model.dec.", f("diff_a.pt"), f("diff_a.pt"));
        assertEquals(2, clash.exit(), clash::toString);
        assertFalse(clash.err().contains("Exception"), clash::toString);
    }
}
