package dev.torch4j.cli;

import dev.torch4j.json.Json;
import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code inspect --json --hash} and {@code scan} on torch.export (.pt2) and ExecuTorch (.pte/.ptd)
 * fixtures, against the expectations their generators recorded (PyTorch 1.13 / numpy hashes of
 * the tensors written; see the READMEs beside them), and the long-tail string/object-array files.
 */
class DeploymentFormatsInspectTest {
    @Test
    @SuppressWarnings("unchecked")
    void everyFixtureInspectsWithTheRecordedTensors() throws Exception {
        int checked = 0;
        for (String folder : List.of("pt2", "executorch", "longtail2")) {
            Path dir = Fixtures.file(folder);
            Map<String, Object> files = (Map<String, Object>) ((Map<String, Object>) Json.parse(
                    Files.readString(dir.resolve("expected.json")))).get("files");
            for (Map.Entry<String, Object> e : files.entrySet()) {
                Map<String, Object> want = (Map<String, Object>) e.getValue();
                if (!(want.get("tensors") instanceof List<?> tensors)) continue;
                Map<String, String> expected = new TreeMap<>();
                for (Object o : tensors) {
                    Map<String, Object> t = (Map<String, Object>) o;
                    expected.put((String) t.get("path"), t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256"));
                }
                String file = dir.resolve(e.getKey()).toString();
                CliRun run = CliRun.of("inspect", "--json", "--hash", file);
                assertEquals(0, run.exit(), run::toString);
                Map<?, ?> doc = (Map<?, ?>) Json.parse(run.out());
                assertEquals(want.get("format"), doc.get("format"), file);
                Map<String, String> got = new TreeMap<>();
                for (Object o : (List<?>) doc.get("tensors")) {
                    Map<?, ?> t = (Map<?, ?>) o;
                    got.put((String) t.get("path"), t.get("dtype") + " " + t.get("shape") + " " + t.get("sha256"));
                }
                assertEquals(expected, got, file);
                checked++;
            }
        }
        assertTrue(checked >= 18, "checked " + checked);
    }

    @Test
    void inspectShowsTheStructureAndScanWhatItChecked() throws Exception {
        CliRun pt2 = CliRun.of("inspect", Fixtures.file("pt2/package_current.pt2").toString());
        assertEquals(0, pt2.exit(), pt2::toString);
        assertTrue(pt2.out().contains("pt2.inputs") && pt2.out().contains("ids: int64[2, 2]")
                && pt2.out().contains("torch.ops.aten.linear.default=2"), pt2.out());
        CliRun pte = CliRun.of("scan", "--json", Fixtures.file("executorch/gen_delegated.pte").toString());
        assertEquals(0, pte.exit(), pte::toString);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(pte.out());
        Map<?, ?> first = (Map<?, ?>) ((List<?>) doc.get("files")).get(0);
        assertEquals("clean", first.get("verdict"));
        assertTrue(String.valueOf(first.get("checked")).contains("no pickle"), pte.out());
        CliRun aoti = CliRun.of("scan", Fixtures.file("pt2/aoti_package.pt2").toString());
        assertEquals(1, aoti.exit(), aoti::toString);
        CliRun v4 = CliRun.of("bytecode-version", Fixtures.file("longtail2/mobile_v4_bytecode_dir.ptl").toString());
        assertEquals(0, v4.exit(), v4::toString);
        assertEquals("4", v4.out().strip());
    }
}
