package dev.torch4j.coreml;

import dev.torch4j.coreml.cli.ExportCoreMlCommand;
import dev.torch4j.json.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * export-coreml against coremltools 6.2 and PyTorch 1.13 on the models in src/test/python/coreml_models.py:
 * the convertibility verdict and the missing op, the structure and weights of every written file, and
 * its outputs under the numpy reference evaluator.
 */
class ExportCoreMlTest {

    record Cli(int exitCode, String out, String err) {}

    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new ExportCoreMlCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Cli(rc, out.toString(), err.toString());
    }

    @SuppressWarnings("unchecked")
    private static String shapeArg(Map<String, Object> verdict) {
        return ((List<Object>) verdict.get("shape")).stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    @Test
    @SuppressWarnings("unchecked")
    void checkOnlyAgreesWithCoremltoolsAndNamesTheMissingOp() throws IOException {
        Map<String, Object> verdicts = CoreMlOracle.verdicts();
        assertTrue(verdicts.size() >= 5, "oracle covers the test models");
        for (Map.Entry<String, Object> e : verdicts.entrySet()) {
            Map<String, Object> v = (Map<String, Object>) e.getValue();
            Path model = CoreMlOracle.fixtures().resolve(e.getKey() + ".pt");
            Cli r = cli(model.toString(), "--check-only", "--json");
            boolean convertible = (Boolean) v.get("convertible");
            assertEquals(convertible ? 0 : 1, r.exitCode(), e.getKey() + ": " + r.out() + r.err());
            Map<String, Object> report = (Map<String, Object>) Json.parse(r.out());
            assertEquals(convertible, report.get("convertible"), e.getKey());
            List<Object> unsupported = (List<Object>) report.get("unsupported");
            if (convertible) {
                assertTrue(unsupported.isEmpty(), e.getKey() + ": " + unsupported);
            } else {
                assertEquals(1, unsupported.size(), e.getKey() + ": " + unsupported);
                Map<String, Object> op = (Map<String, Object>) unsupported.get(0);
                // coremltools names the op without its namespace: 'cumprod' for aten::cumprod.
                assertEquals("aten::" + v.get("missing_op"), op.get("op"), e.getKey());
                assertEquals(false, op.get("supported"));
            }
            List<Object> ops = (List<Object>) report.get("ops");
            assertFalse(ops.isEmpty(), e.getKey());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void unsupportedOpIsFoundWhereItIsUsedAndNothingIsWritten() throws IOException {
        Path model = CoreMlOracle.fixtures().resolve("cumprod.pt");
        Cli check = cli(model.toString(), "--check-only", "--json");
        Map<String, Object> op = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) Json.parse(check.out())).get("unsupported")).get(0);
        assertEquals(List.of("encoder.scan"), op.get("where"));
        Cli text = cli(model.toString(), "--check-only");
        assertTrue(text.out().contains("unsupported: aten::cumprod used in encoder.scan"), text.out());

        Path out = CoreMlOracle.tempDir().resolve("cumprod.mlmodel");
        Cli export = cli(model.toString(), out.toString(), "--input", "x:3,4");
        assertEquals(1, export.exitCode(), export.err());
        assertTrue(export.err().contains("aten::cumprod") && export.err().contains("encoder.scan"), export.err());
        assertFalse(Files.exists(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(0, files.count(), "no temporary file left behind");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void exportedModelsMatchCoremltoolsAndPyTorch() throws IOException {
        Path dir = CoreMlOracle.tempDir();
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Object> e : CoreMlOracle.verdicts().entrySet()) {
            Map<String, Object> v = (Map<String, Object>) e.getValue();
            if (!(Boolean) v.get("convertible")) continue;
            Path out = dir.resolve(e.getKey() + ".mlmodel");
            Cli r = cli(CoreMlOracle.fixtures().resolve(e.getKey() + ".pt").toString(), out.toString(),
                    "--input", "x:" + shapeArg(v), "--json");
            assertEquals(0, r.exitCode(), e.getKey() + ": " + r.err());
            Map<String, Object> report = CoreMlOracle.check(e.getKey(), out);
            assertEquals(List.of(), report.get("problems"), e.getKey() + ": " + report);
            double err = ((Number) report.get("max_abs_error")).doubleValue();
            assertTrue(err <= 1e-4, e.getKey() + " max error " + err);
            checked.add(e.getKey());
        }
        assertEquals(List.of("mlp", "cnn", "attention", "concat"), checked);
    }

    @Test
    @SuppressWarnings("unchecked")
    void explicitInputAndOutputNames() throws IOException {
        Path out = CoreMlOracle.tempDir().resolve("probs.mlmodel");
        Cli r = cli(CoreMlOracle.fixtures().resolve("mlp.pt").toString(), out.toString(), "--input", "features:2,8",
                "--output", "probs", "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> json = (Map<String, Object>) Json.parse(r.out());
        Map<String, Object> o = (Map<String, Object>) ((List<Object>) json.get("outputs")).get(0);
        assertEquals("probs", o.get("name"));
        assertEquals(List.of(2L, 4L), o.get("shape"));
        // The oracle compares input names with coremltools' (which uses x), so only the names may differ here.
        Map<String, Object> report = CoreMlOracle.check("mlp", out);
        assertEquals(1, ((List<Object>) report.get("problems")).size(), report.toString());
        assertTrue(report.get("problems").toString().contains("features"), report.toString());
        assertTrue(((Number) report.get("max_abs_error")).doubleValue() <= 1e-4);
    }

    @Test
    void badInputIsAUsageError() throws IOException {
        Path model = CoreMlOracle.fixtures().resolve("mlp.pt");
        Path out = CoreMlOracle.tempDir().resolve("m.mlmodel");
        assertEquals(2, cli(model.toString(), out.toString()).exitCode(), "missing --input");
        Cli bad = cli(model.toString(), out.toString(), "--input", "x:2,eight");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("'eight' is not a dimension"), bad.err());
        Cli two = cli(model.toString(), out.toString(), "--input", "x:2,8", "--input", "y:2,8");
        assertEquals(2, two.exitCode());
        assertTrue(two.err().contains("forward takes 1 tensor input(s), 2 --input given"), two.err());
        Cli wrongShape = cli(model.toString(), out.toString(), "--input", "x:2,7");
        assertEquals(1, wrongShape.exitCode());
        assertTrue(wrongShape.err().contains("aten::linear") && wrongShape.err().contains("does not end in 8"), wrongShape.err());
        Path junk = CoreMlOracle.tempDir().resolve("junk.pt");
        Files.writeString(junk, "not a model");
        Cli unreadable = cli(junk.toString(), "--check-only");
        assertEquals(2, unreadable.exitCode());
        assertTrue(unreadable.err().contains(junk.toString()), unreadable.err());
        assertFalse(Files.exists(out));
    }
}
