package dev.torch4j.coreml;

import dev.torch4j.cli.api.ErrorHandler;
import dev.torch4j.coreml.cli.ExportCoreMlCommand;
import dev.torch4j.json.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * export-coreml against coremltools 6.2 and PyTorch 1.13 on the models src/test/python/coreml_models.py
 * generates: the verdict (convertible, or the op coremltools lacks), and for every written file its
 * outputs under the numpy evaluator, which must also reproduce PyTorch on coremltools' own file.
 */
class ExportCoreMlTest {
    /**
     * Models coremltools converts but torch4j refuses on purpose, with the op it must name: in_place_view
     * writes in place into a view and reads the base afterwards, which Core ML layers cannot express
     * (coremltools 6.2 writes it without the relu_, computing wrong numbers).
     */
    static final Map<String, String> EXPECTED_REFUSALS = Map.of("in_place_view", "aten::relu_");

    record Cli(int exitCode, String out, String err) {}

    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = ErrorHandler.install(new CommandLine(new ExportCoreMlCommand()), false).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Cli(rc, out.toString(), err.toString());
    }

    @SuppressWarnings("unchecked")
    private static List<String> inputArgs(Map<String, Object> verdict) {
        String shape = ((List<Object>) verdict.get("shape")).stream().map(String::valueOf).collect(Collectors.joining(","));
        List<String> args = new ArrayList<>(List.of("--input", "x:" + shape + ("int32".equals(verdict.get("dtype")) ? ":int32" : "")));
        for (Object o : (List<Object>) verdict.get("extra_inputs")) {
            Map<String, Object> extra = (Map<String, Object>) o;
            args.add("--input");
            args.add(extra.get("name") + ":" + ((List<Object>) extra.get("shape")).stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        return args;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyModelGetsCoremltoolsVerdictAndPyTorchsNumbers() throws IOException {
        Map<String, Object> verdicts = CoreMlOracle.verdicts();
        assertTrue(verdicts.size() >= 30, "the generator writes dozens of models: " + verdicts.keySet());
        Path dir = CoreMlOracle.tempDir();
        Set<String> emitted = new TreeSet<>();
        List<String> written = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Object> e : verdicts.entrySet()) {
            String name = e.getKey();
            Map<String, Object> v = (Map<String, Object>) e.getValue();
            String model = CoreMlOracle.fixtures().resolve(name + ".pt").toString();
            List<String> checkArgs = new ArrayList<>(List.of(model, "--check-only", "--json"));
            checkArgs.addAll(inputArgs(v));
            Cli check = cli(checkArgs.toArray(new String[0]));
            Map<String, Object> report = (Map<String, Object>) Json.parse(check.out());
            List<Object> problems = (List<Object>) report.get("problems");
            Path out = dir.resolve(name + ".mlmodel");
            List<String> exportArgs = new ArrayList<>(List.of(model, out.toString()));
            exportArgs.addAll(inputArgs(v));
            Cli export = cli(exportArgs.toArray(new String[0]));
            // One path: --check-only's verdict is export's, always.
            if ((check.exitCode() == 0) != (export.exitCode() == 0) || Files.exists(out) != (export.exitCode() == 0)) {
                failures.add(name + ": --check-only exit " + check.exitCode() + ", export exit " + export.exitCode() + " " + export.err());
                continue;
            }
            String missing = (String) v.get("missing_op");
            String expectedOp = missing != null ? "aten::" + missing : EXPECTED_REFUSALS.get(name);
            if (expectedOp != null) {
                // Refused, naming the op the user's model calls first (not a helper such as aten::zeros).
                String first = problems.isEmpty() ? null : (String) ((Map<String, Object>) problems.get(0)).get("op");
                if (check.exitCode() != 1 || !expectedOp.equals(first)) {
                    failures.add(name + ": expected a refusal naming " + expectedOp + ", got exit " + check.exitCode() + " " + problems);
                } else if (!export.err().startsWith("torch4j: " + model + ": op " + expectedOp) || export.err().strip().contains("\n")) {
                    failures.add(name + ": export's message is not one line naming " + expectedOp + ": " + export.err());
                }
                continue;
            }
            // coremltools converts it (or fails on a bug of its own, not a missing op): torch4j must write it.
            if (export.exitCode() != 0) {
                failures.add(name + ": not written: " + export.err().strip() + " " + problems);
                continue;
            }
            written.add(name);
        }
        // Both files of every written model under the evaluator, in one Python process.
        Map<String, Object> numbers = CoreMlOracle.checkAll(dir, written);
        for (String name : written) {
            Map<String, Object> r = (Map<String, Object>) numbers.get(name);
            if (!((List<Object>) r.get("problems")).isEmpty()) failures.add(name + ": " + r);
            emitted.addAll((List<String>) r.get("layers"));
        }
        assertEquals(List.of(), failures);
        assertTrue(written.size() >= 25, "written: " + written);
        assertEquals(new TreeSet<>(emittableLayers()), new TreeSet<>(emitted.stream().filter(emittableLayers()::contains).toList()),
                "every layer type the converter can emit runs in some test model");
    }

    /** The layer types GraphConverter writes, read from its emit(...) calls. */
    static Set<String> emittableLayers() throws IOException {
        String source = Files.readString(source("GraphConverter.java"));
        Set<String> types = new TreeSet<>();
        Matcher m = Pattern.compile("emit(?:Multi)?\\(\"(\\w+)\"").matcher(source);
        while (m.find()) types.add(m.group(1));
        return types;
    }

    private static Path source(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (String rel : new String[] {"src/main/java/dev/torch4j/coreml/", "java/coreml/src/main/java/dev/torch4j/coreml/"}) {
                if (Files.isRegularFile(p.resolve(rel + name))) return p.resolve(rel + name);
            }
        }
        throw new IllegalStateException(name);
    }

    @Test
    @SuppressWarnings("unchecked")
    void int32InputIsOnlyReadAsEmbeddingIndices() throws IOException {
        Map<String, Object> verdicts = CoreMlOracle.verdicts();
        assertEquals("int32", ((Map<String, Object>) verdicts.get("embedding_ids")).get("dtype"));
        // mlp's first op is a linear: integer values fed to float arithmetic are refused, naming the op.
        Path model = CoreMlOracle.fixtures().resolve("mlp.pt");
        Cli check = cli(model.toString(), "--check-only", "--json", "--input", "x:2,8:int32");
        assertEquals(1, check.exitCode(), check.err());
        Map<String, Object> p = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) Json.parse(check.out())).get("problems")).get(0);
        assertEquals("aten::linear", p.get("op"));
        assertTrue(String.valueOf(p.get("message")).contains("int32 input"), p.toString());

        Cli badType = cli(model.toString(), "--check-only", "--input", "x:2,8:int64");
        assertEquals(2, badType.exitCode(), badType.err());
        assertTrue(badType.err().contains("must be float32 or int32"), badType.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void unsupportedOpIsNamedWithItsModulePathAndNothingIsWritten() throws IOException {
        Path model = CoreMlOracle.fixtures().resolve("cumprod.pt");
        Cli check = cli(model.toString(), "--check-only", "--json", "--input", "x:3,4");
        assertEquals(1, check.exitCode(), check.err());
        Map<String, Object> p = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) Json.parse(check.out())).get("problems")).get(0);
        assertEquals("aten::cumprod", p.get("op"));
        assertEquals("encoder.scan", p.get("where"));
        assertEquals(false, p.get("supported"));

        Path out = CoreMlOracle.tempDir().resolve("cumprod.mlmodel");
        Cli export = cli(model.toString(), out.toString(), "--input", "x:3,4");
        assertEquals(1, export.exitCode(), export.err());
        assertEquals("torch4j: " + model + ": op aten::cumprod (in encoder.scan) is not supported by export-coreml; nothing written",
                export.err().strip());
        assertFalse(Files.exists(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(0, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void outputIsAtomic0644AndReplacedOnlyWithForce() throws IOException {
        Path model = CoreMlOracle.fixtures().resolve("mlp.pt");
        Path out = CoreMlOracle.tempDir().resolve("mlp.mlmodel");
        Cli first = cli(model.toString(), out.toString(), "--input", "x:2,8");
        assertEquals(0, first.exitCode(), first.err());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        Files.writeString(out, "keep me");
        Cli again = cli(model.toString(), out.toString(), "--input", "x:2,8");
        assertEquals(2, again.exitCode());
        assertEquals("torch4j: " + out + ": already exists (use --force to replace it)", again.err().strip());
        assertEquals("keep me", Files.readString(out));
        Cli forced = cli(model.toString(), out.toString(), "--input", "x:2,8", "--force");
        assertEquals(0, forced.exitCode(), forced.err());
        assertTrue(Files.size(out) > 100);
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "only the model, no temporary file");
        }
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
        Map<String, Object> report = CoreMlOracle.check("mlp", out);
        assertEquals(List.of(), report.get("problems"), report.toString());
    }

    @Test
    void badInputIsAUsageError() throws IOException {
        Path model = CoreMlOracle.fixtures().resolve("mlp.pt");
        Path out = CoreMlOracle.tempDir().resolve("m.mlmodel");
        Cli noInput = cli(model.toString(), out.toString());
        assertEquals(2, noInput.exitCode(), "missing --input");
        assertTrue(noInput.err().startsWith("torch4j: " + model + ": give each forward input's shape"), noInput.err());
        Cli checkNoInput = cli(model.toString(), "--check-only");
        assertEquals(2, checkNoInput.exitCode(), "--check-only converts too, so it needs the shapes");
        Cli bad = cli(model.toString(), out.toString(), "--input", "x:2,eight");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("'eight' is not a dimension"), bad.err());
        Cli two = cli(model.toString(), out.toString(), "--input", "x:2,8", "--input", "y:2,8");
        assertEquals(2, two.exitCode());
        assertTrue(two.err().contains("forward takes 1 tensor input(s), 2 --input given"), two.err());
        Cli wrongShape = cli(model.toString(), out.toString(), "--input", "x:2,7");
        assertEquals(1, wrongShape.exitCode());
        assertTrue(wrongShape.err().contains("op aten::linear (in fc1) input [2, 7] does not end in 8"), wrongShape.err());
        Path junk = CoreMlOracle.tempDir().resolve("junk.pt");
        Files.writeString(junk, "not a model");
        Cli unreadable = cli(junk.toString(), "--check-only", "--input", "x:1");
        assertEquals(2, unreadable.exitCode());
        assertTrue(unreadable.err().startsWith("torch4j: " + junk + ": "), unreadable.err());
        assertFalse(unreadable.err().contains("Exception"), unreadable.err());
        assertFalse(Files.exists(out));
    }
}
