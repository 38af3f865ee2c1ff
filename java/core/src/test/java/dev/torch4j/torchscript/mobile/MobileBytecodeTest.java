package dev.torch4j.torchscript.mobile;

import dev.torch4j.testing.SharedFolder;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.pickle.PickleMachine;
import dev.torch4j.python.PyTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Lite-interpreter bytecode against what PyTorch 1.13 reports (see src/test/python/gen_mobile_fixtures.py). */
class MobileBytecodeTest {
    /** Stands in for tensors the pickle references by persistent id; only counted here. */
    private record Placeholder(Object pid) {}

    static MobileBytecode read(Path ptl) throws IOException {
        try (ZipFile zip = new ZipFile(ptl.toFile())) {
            ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith("/bytecode.pkl")).findFirst().orElseThrow();
            byte[] bytes;
            try (InputStream in = zip.getInputStream(entry)) {
                bytes = in.readAllBytes();
            }
            var config = new PickleMachine.Config(ptl.toString(), entry.getName(), null, Placeholder::new, false, null);
            Object root = new PickleMachine(new HeapRegion(bytes), 0, config).load();
            return MobileBytecode.parse(root, ptl.toString(), entry.getName());
        }
    }

    private static Path resource(String name) throws Exception {
        var url = MobileBytecodeTest.class.getResource("/mobile/" + name);
        assertNotNull(url, "missing test resource mobile/" + name);
        return Path.of(url.toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"small_v4", "small_v5", "small_v6", "small_v7", "small_v8", "branchy_v5", "branchy_v8"})
    void matchesPyTorch(String name) throws Exception {
        MobileBytecode bc = read(resource(name + ".ptl"));
        List<String> expected = Files.readAllLines(resource(name + ".expected.txt"), StandardCharsets.UTF_8);
        int line = 0;
        assertEquals("version " + bc.version(), expected.get(line++));
        assertEquals("operators " + String.join(" ", bc.operators()), expected.get(line++));
        List<String> actual = new ArrayList<>();
        for (MobileBytecode.Method m : bc.methods()) {
            actual.add("method " + m.name() + " instructions=" + m.instructions().size() + " constants="
                    + m.constants().size() + " register_size=" + m.registerSize());
            for (MobileBytecode.Operator op : m.operators()) {
                actual.add("  op " + op.name() + "|" + op.overload() + (op.numArgs() >= 0 ? "|" + op.numArgs() : ""));
            }
            actual.add("  types " + String.join("|", m.types()));
            if (bc.version() >= 5) assertNotNull(m.schema());
            if (m.schema() != null) {
                for (var a : m.schema().arguments()) actual.add("  arguments " + arg(a));
                for (var a : m.schema().returns()) actual.add("  returns " + arg(a));
            }
        }
        assertEquals(expected.subList(line, expected.size()), actual);
        if (bc.version() >= 6) {
            assertTrue(bc.methods().stream().flatMap(m -> m.operators().stream()).allMatch(op -> op.numArgs() >= 0));
        }
    }

    /** As Python's repr would print the default value. */
    private static String arg(MobileBytecode.Argument a) {
        Object d = a.defaultValue();
        String repr = d == null ? "None" : d instanceof Boolean b ? (b ? "True" : "False") : d.toString();
        return a.name() + "|" + a.type() + "|" + repr;
    }

    @Test void instructionsKeepOpcodeAndOperands() throws Exception {
        MobileBytecode bc = read(resource("small_v8.ptl"));
        MobileBytecode.Method helper = bc.methods().get(1);
        assertEquals("__torch__.Small.helper", helper.name());
        // Printed by PyTorch's own unpickler when the fixture was made: ('STOREN', 1, 3) ... ('RET', 0, 0)
        assertEquals(new MobileBytecode.Instruction("STOREN", 1, 3), helper.instructions().get(0));
        assertEquals("RET", helper.instructions().get(helper.instructions().size() - 1).opcode());
    }

    /** Real-world .ptl files from the shared corpus (skipped when it is absent). */
    @Test void corpusFilesMatchPyTorch() throws Exception {
        Path corpus = corpusDir();
        assumeTrue(corpus != null, "shared corpus not present");
        int checked = 0;
        for (String row : Files.readAllLines(resource("corpus_ptl.expected.tsv"), StandardCharsets.UTF_8)) {
            if (row.isBlank()) continue;
            String[] cols = row.split("\t");
            Path file = corpus.resolve("ptl").resolve(cols[0]);
            if (!Files.exists(file)) continue;
            MobileBytecode bc = read(file);
            assertEquals(Long.parseLong(cols[1]), bc.version(), cols[0]);
            List<String> ops = cols.length > 2 ? Arrays.asList(cols[2].split(" ")) : List.of();
            assertEquals(ops, new ArrayList<>(bc.operators()), cols[0]);
            checked++;
        }
        assumeTrue(checked > 0, "no corpus .ptl files found");
    }

    private static Path corpusDir() {
        return SharedFolder.requireCorpus();
    }

    @Test void unversionedRootIsVersionThree() throws Exception {
        PyTuple code = PyTuple.of(
                PyTuple.of("instructions", PyTuple.of(PyTuple.of("RET", 0L, 0L))),
                PyTuple.of("operators", PyTuple.of(PyTuple.of("aten::add", "Tensor"))),
                PyTuple.of("constants", PyTuple.EMPTY),
                PyTuple.of("types", PyTuple.EMPTY),
                PyTuple.of("register_size", 1L));
        MobileBytecode bc = MobileBytecode.parse(PyTuple.of(PyTuple.of("__torch__.M.forward", code)));
        assertEquals(3, bc.version());
        assertNull(bc.methods().get(0).schema());
        assertEquals(-1, bc.methods().get(0).operators().get(0).numArgs());
        assertEquals(List.of("aten::add.Tensor"), new ArrayList<>(bc.operators()));
    }

    @Test void malformedTreesAreReportedWithTheirPlace() {
        assertThrows(TorchFileException.class, () -> MobileBytecode.parse(PyTuple.EMPTY));
        assertThrows(TorchFileException.class, () -> MobileBytecode.parse("not a tuple"));
        TorchFileException e = assertThrows(TorchFileException.class,
                () -> MobileBytecode.parse(PyTuple.of(5L, PyTuple.of("__torch__.M.forward", "oops")), "m.ptl", "m/bytecode.pkl"));
        assertTrue(e.getMessage().contains("m.ptl") && e.getMessage().contains("m/bytecode.pkl")
                && e.getMessage().contains("__torch__.M.forward"), e.getMessage());
        PyTuple badField = PyTuple.of(PyTuple.of("instructionz", PyTuple.EMPTY));
        e = assertThrows(TorchFileException.class, () -> MobileBytecode.parse(PyTuple.of(5L, PyTuple.of("f", badField))));
        assertTrue(e.getMessage().contains("expected 'instructions'"), e.getMessage());
        PyTuple hugeArgs = PyTuple.of(
                PyTuple.of("instructions", PyTuple.EMPTY),
                PyTuple.of("operators", PyTuple.of(PyTuple.of("aten::add", "", Long.MAX_VALUE))),
                PyTuple.of("constants", PyTuple.EMPTY), PyTuple.of("types", PyTuple.EMPTY), PyTuple.of("register_size", 0L));
        assertThrows(TorchFileException.class, () -> MobileBytecode.parse(PyTuple.of(6L, PyTuple.of("f", hugeArgs, PyTuple.EMPTY))));
    }
}
