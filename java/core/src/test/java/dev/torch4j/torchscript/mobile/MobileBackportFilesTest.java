package dev.torch4j.torchscript.mobile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.io.MappedFile;
import dev.torch4j.python.PyTuple;
import dev.torch4j.zip.AlignedZipWriter;
import dev.torch4j.zip.ZipArchive;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backport on committed PyTorch 1.13 files, without Python: the v8 fixtures lowered to v5 match
 * PyTorch's own v5 fixtures of the same models; hostile or unsupported files are refused with the
 * file, the entry and the reason, and leave no output.
 */
class MobileBackportFilesTest {
    @TempDir Path tmp;

    private static Path fixture(String name) throws Exception {
        return Path.of(MobileBackportFilesTest.class.getResource("/mobile/" + name).toURI());
    }

    private static MobileBytecode bytecode(Path file) throws Exception {
        try (MappedFile bytes = MappedFile.open(file)) {
            ZipArchive zip = ZipArchive.open(file, bytes, Integer.MAX_VALUE);
            String entry = zip.names().stream().filter(n -> n.endsWith("/bytecode.pkl")).findFirst().orElseThrow();
            return MobileBytecode.parse(PickleTree.read(zip.read(entry), file.toString(), entry));
        }
    }

    /** The committed fixtures: PyTorch 1.13's file (v8) and its own backports of it ({@code small} to 7, 6, 5, 4; {@code branchy} to 5). */
    @Test
    void eachFixtureLowersToWhatPyTorchWroteForThatVersion() throws Exception {
        int compared = 0;
        for (String model : List.of("small", "branchy")) {
            for (int from = 8; from >= 5; from--) {
                if (!Files.exists(fixture(model + "_v8.ptl").resolveSibling(model + "_v" + from + ".ptl"))) continue;
                for (int to = from - 1; to >= MobileBackport.OLDEST; to--) {
                    Path expected = fixture(model + "_v8.ptl").resolveSibling(model + "_v" + to + ".ptl");
                    if (!Files.exists(expected)) continue;
                    Path out = tmp.resolve(model + "_" + from + "_to_" + to + ".ptl");
                    assertEquals(new MobileBackport.Result(from, to),
                            MobileBackport.backport(fixture(model + "_v" + from + ".ptl"), out, to, false));
                    assertSameCode(bytecode(expected), bytecode(out), model + " v" + from + " to v" + to);
                    compared++;
                }
            }
        }
        assertEquals(11, compared, "small: 8, 7, 6, 5 to each older version (10); branchy: 8 to 5");
    }

    private static void assertSameCode(MobileBytecode pytorch, MobileBytecode ours, String what) {
        assertEquals(pytorch.version(), ours.version(), what);
        assertEquals(pytorch.operators(), ours.operators(), what);
        assertEquals(pytorch.methods().size(), ours.methods().size(), what);
        for (int i = 0; i < ours.methods().size(); i++) {
            MobileBytecode.Method m = ours.methods().get(i);
            MobileBytecode.Method p = pytorch.methods().get(i);
            assertEquals(p.instructions().size(), m.instructions().size(), what + " " + m.name());
            // Same opcodes in the same places; jumps land the same distance away.
            for (int k = 0; k < m.instructions().size(); k++) {
                MobileBytecode.Instruction a = m.instructions().get(k);
                MobileBytecode.Instruction b = p.instructions().get(k);
                assertEquals(b.opcode(), a.opcode(), what + " instruction " + k);
                if (MethodCode.isJump(a.opcode())) assertEquals(b.x(), a.x(), what + " jump at " + k);
            }
            // The operator tables hold the same entries with the same argument counts (v6 on; none before).
            assertEquals(p.operators().stream().map(o -> o.qualifiedName() + "/" + o.numArgs()).sorted().toList(),
                    m.operators().stream().map(o -> o.qualifiedName() + "/" + o.numArgs()).sorted().toList(), what);
        }
    }

    @Test
    void fourIsTheOldestAndVersionsOnlyGoDown() throws Exception {
        Path in = fixture("small_v5.ptl");
        Path out = tmp.resolve("o.ptl");
        assertThrows(IllegalArgumentException.class, () -> MobileBackport.backport(in, out, 3, false));
        TorchFileException up = assertThrows(TorchFileException.class, () -> MobileBackport.backport(in, out, 7, false));
        assertTrue(up.getMessage().contains("the file is bytecode version 5; backport only lowers versions"), up.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(new MobileBackport.Result(5, 4), MobileBackport.backport(in, out, 4, false));
        assertEquals(4, bytecode(out).version());
        try (MappedFile bytes = MappedFile.open(out)) {
            List<String> names = ZipArchive.open(out, bytes, Integer.MAX_VALUE).names();
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".storage")), "v4 tensors are numbered records: " + names);
        }
    }

    @Test
    void nonZipAndBrokenFlatbufferFilesAreRefusedByName() throws Exception {
        Path random = Files.write(tmp.resolve("random.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        TorchFileException e = assertThrows(TorchFileException.class, () -> MobileBackport.backport(random, tmp.resolve("o.ptl"), 5, false));
        assertEquals(random + " at byte 0: not a PyTorch Mobile file (.ptl): neither a zip archive nor a flatbuffer mobile file", e.getMessage());
        Path flat = Files.write(tmp.resolve("flat.ptl"), new byte[] {16, 0, 0, 0, 'P', 'T', 'M', 'F', 0, 0});
        TorchFileException f = assertThrows(TorchFileException.class, () -> MobileBackport.backport(flat, tmp.resolve("o.ptl"), 5, false));
        assertTrue(f.getMessage().startsWith(flat + " at byte "), f.getMessage());
        assertFalse(Files.exists(tmp.resolve("o.ptl")));
        byte[] whole = Files.readAllBytes(fixture("small_v8.ptl"));
        Path truncated = Files.write(tmp.resolve("truncated.ptl"), Arrays.copyOf(whole, whole.length / 2));
        TorchFileException t = assertThrows(TorchFileException.class, () -> MobileBackport.backport(truncated, tmp.resolve("o.ptl"), 5, false));
        assertTrue(t.getMessage().startsWith(truncated.toString()), t.getMessage());
        assertFalse(Files.exists(tmp.resolve("o.ptl")));
    }

    @Test
    void aJumpOutsideItsMethodIsCorruptInput() throws Exception {
        Path bad = rewrite(fixture("branchy_v8.ptl"), "bad.ptl", code -> editInstructions(code, ins -> {
            for (int i = 0; i < ins.size(); i++) {
                List<?> t = (List<?>) ins.get(i);
                if (t.get(0).equals("JF")) { ins.set(i, PyTuple.of("JF", 10_000L, 0L)); break; }
            }
        }), false);
        TorchFileException e = assertThrows(TorchFileException.class, () -> MobileBackport.backport(bad, tmp.resolve("o.ptl"), 5, false));
        assertTrue(e.getMessage().contains("bytecode.pkl") && e.getMessage().contains("jumps outside the method"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("o.ptl")));
    }

    @Test
    void anOperatorWithUnknownDefaultsIsRefusedNotGuessed() throws Exception {
        Path bad = rewrite(fixture("branchy_v8.ptl"), "unknown.ptl", code -> {
            List<Object> ops = new ArrayList<>((List<?>) ((List<?>) code.get(1)).get(1));
            List<?> first = (List<?>) ops.get(0);
            ops.set(0, PyTuple.of("myops::conv", first.get(1), first.get(2)));
            code.set(1, PyTuple.of("operators", PyTuple.copyOf(ops)));
        }, false);
        assertEquals(new MobileBackport.Result(8, 7), MobileBackport.backport(bad, tmp.resolve("v7.ptl"), 7, false),
                "8 to 7 needs no schema");
        // From 7 on, whether a call omitted defaults (before out arguments, or trailing) depends on the schema.
        TorchFileException e = assertThrows(TorchFileException.class, () -> MobileBackport.backport(bad, tmp.resolve("o.ptl"), 5, false));
        assertTrue(e.getMessage().contains("cannot lower method __torch__.Branchy.forward from bytecode version 7 to 6: operator"
                + " myops::conv is not one of PyTorch 1.13's"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("o.ptl")));
    }

    @Test
    void debugHandlesThatCannotFollowTheInstructionsAreRefused() throws Exception {
        // The record must give each method one handle list (what _save_mobile_debug_info writes); here it holds a stray string.
        Path withHandles = rewrite(fixture("branchy_v8.ptl"), "debug.ptl", code -> { }, true);
        TorchFileException e = assertThrows(TorchFileException.class, () -> MobileBackport.backport(withHandles, tmp.resolve("o.ptl"), 5, false));
        assertTrue(e.getMessage().contains("[entry latest/mobile_debug_handles.pkl]: bad mobile debug handles: a method entry is not a tuple"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("o.ptl")));
    }

    @Test
    void insertionsMoveJumpsOverThemAndBackwardJumpsToo() {
        MethodCode m = new MethodCode(PyTuple.of("f", PyTuple.of(
                PyTuple.of("instructions", PyTuple.of(PyTuple.of("JMP", 3L, 0L), PyTuple.of("LOAD", 1L, 0L),
                        PyTuple.of("OP", 0L, 0L), PyTuple.of("JF", -1L, 0L), PyTuple.of("RET", 0L, 0L))),
                PyTuple.of("operators", PyTuple.of(PyTuple.of("aten::sum", "", 1L))),
                PyTuple.of("constants", PyTuple.EMPTY), PyTuple.of("types", PyTuple.EMPTY), PyTuple.of("register_size", 1L))));
        m.insertBefore(2, List.of(new MethodCode.Instruction("LOADC", 0, 0), new MethodCode.Instruction("LOADC", 1, 0)));
        m.applyInsertions();
        List<String> got = m.instructions.stream().map(i -> i.opcode() + " " + i.x()).toList();
        // JMP 3 went to JF (now 5 ahead); JF -1 went to the OP, and now lands on the defaults inserted for it.
        assertEquals(List.of("JMP 5", "LOAD 1", "LOADC 0", "LOADC 1", "OP 0", "JF -3", "RET 0"), got);
        assertNull(MethodCode.badJump(m.instructions));
    }

    @Test
    void valuesNestedDeeperThanTheWriterAllowsAreRefusedNotAStackOverflow() throws Exception {
        // A list nested 5,000 deep through the memo: little stack for the unpickler, deep for a writer.
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2, ']', 'q', 0, '0'});
        for (int i = 0; i < 5_000; i++) p.write(new byte[] {']', 'h', 0, 'a', 'q', 0, '0'});
        p.write(new byte[] {'h', 0, '.'});
        Object deep = PickleTree.read(new HeapRegion(p.toByteArray()), "deep.pkl", "bytecode.pkl");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PickleTreeWriter.write(deep, UnaryOperator.identity()));
        assertEquals("the pickle nests values more than " + PickleTreeWriter.MAX_DEPTH + " deep", e.getMessage());
    }

    private interface CodeEdit {
        void edit(List<Object> codeTable) throws Exception;
    }

    private static void editInstructions(List<Object> code, java.util.function.Consumer<List<Object>> edit) {
        List<Object> ins = new ArrayList<>((List<?>) ((List<?>) code.get(0)).get(1));
        edit.accept(ins);
        code.set(0, PyTuple.of("instructions", PyTuple.copyOf(ins)));
    }

    /** {@code source} with the code table of its first method edited (and a debug-handle record added). */
    private Path rewrite(Path source, String name, CodeEdit edit, boolean addDebugHandles) throws Exception {
        Path out = tmp.resolve(name);
        try (MappedFile bytes = MappedFile.open(source);
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ZipArchive zip = ZipArchive.open(source, bytes, Integer.MAX_VALUE);
            AlignedZipWriter w = new AlignedZipWriter(ch, false);
            String prefix = null;
            for (String n : zip.names()) {
                byte[] data = new byte[(int) zip.read(n).size()];
                zip.read(n).copyTo(0, data, 0, data.length);
                if (n.endsWith("/bytecode.pkl")) {
                    prefix = n.substring(0, n.indexOf('/') + 1);
                    List<Object> root = new ArrayList<>((List<?>) PickleTree.read(new HeapRegion(data), n, n));
                    List<Object> method = new ArrayList<>((List<?>) root.get(1));
                    List<Object> code = new ArrayList<>((List<?>) method.get(1));
                    edit.edit(code);
                    method.set(1, PyTuple.copyOf(code));
                    root.set(1, PyTuple.copyOf(method));
                    data = PickleTreeWriter.write(PyTuple.copyOf(root), UnaryOperator.identity());
                }
                w.writeEntry(n, data);
            }
            if (addDebugHandles) {
                w.writeEntry(prefix + "mobile_debug_handles.pkl", PickleTreeWriter.write(PyTuple.of(8L, "stray"), UnaryOperator.identity()));
            }
            w.finish();
        } catch (IOException e) {
            throw e;
        }
        return out;
    }
}
