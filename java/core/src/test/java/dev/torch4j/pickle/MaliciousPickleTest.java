package dev.torch4j.pickle;

import dev.torch4j.UnsafePickleException;
import dev.torch4j.scan.Finding;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Severity;
import dev.torch4j.scan.Verdict;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pickles that would run a command in Python (malicious.tsv: fixture, first dangerous global, the
 * file its command would create). Loading refuses them naming the global; loading inertly never
 * runs anything; the scanner reports the global however it is spelled or fetched.
 */
class MaliciousPickleTest {
    @TestFactory
    Stream<DynamicTest> refusedByDefault() {
        return PickleFixtures.table("malicious.tsv").stream().map(row -> DynamicTest.dynamicTest(row[0], () -> {
            UnsafePickleException e = assertThrows(UnsafePickleException.class, () -> PickleFixtures.load(row[0]));
            assertEquals(row[1], e.global());
            assertTrue(e.getMessage().contains(row[1]) && e.getMessage().contains(row[0]), e.getMessage());
        }));
    }

    @TestFactory
    Stream<DynamicTest> loadedInertlyWhenAllowed() {
        return PickleFixtures.table("malicious.tsv").stream().map(row -> DynamicTest.dynamicTest(row[0], () -> {
            Path marker = Path.of(row[2]);
            Files.deleteIfExists(marker);
            Object value = PickleFixtures.load(PickleFixtures.bytes(row[0]), PickleFixtures.config(row[0], true));
            assertFalse(Files.exists(marker), "the pickled command ran");
            assertFalse(value instanceof String || value instanceof Long, "placeholders expected, got " + value);
        }));
    }

    @TestFactory
    Stream<DynamicTest> scannerFindsEach() {
        return PickleFixtures.table("malicious.tsv").stream().map(row -> DynamicTest.dynamicTest(row[0], () -> {
            byte[] data = PickleFixtures.bytes(row[0]);
            ScanResult r = ModelScanner.scan(row[0], data);
            assertNull(r.error());
            assertEquals(Verdict.DANGEROUS, r.verdict());
            String global = python3Spelling(row[1]);
            Finding f = r.dangerous().stream().filter(d -> d.global().equals(global)).findFirst()
                    .orElseThrow(() -> new AssertionError(global + " not among " + r.findings()));
            // The finding points at the opcode that names the global (GLOBAL, INST or STACK_GLOBAL).
            int op = data[(int) f.offset()] & 0xff;
            assertTrue(op == Opcodes.GLOBAL || op == Opcodes.INST || op == Opcodes.STACK_GLOBAL,
                    row[0] + ": byte " + f.offset() + " is opcode " + Integer.toHexString(op));
        }));
    }

    /**
     * The scanner reports globals as Python 3 resolves them (pickle's fix_imports: the Python 2
     * module {@code __builtin__} is {@code builtins}); the loader's message keeps the file's spelling.
     */
    private static String python3Spelling(String global) {
        return global.startsWith("__builtin__.") ? "builtins." + global.substring("__builtin__.".length()) : global;
    }

    @Test
    void attrgetterChainAlsoFlagsImport() {
        // pickletools.dis(mal_attrgetter.pkl): GLOBAL '__builtin__ __import__' at byte 36
        ScanResult r = ModelScanner.scan("f", PickleFixtures.bytes("mal_attrgetter"));
        assertTrue(r.dangerous().stream().anyMatch(f -> f.global().equals("builtins.__import__") && f.offset() == 36),
                r.findings().toString());
    }

    @Test
    void stackGlobalOperandsFromMemoAreResolved() {
        // pickletools.dis(mal_stack_global_memo.pkl): STACK_GLOBAL at byte 25, operands fetched by BINGET
        ScanResult r = ModelScanner.scan("f", PickleFixtures.bytes("mal_stack_global_memo"));
        Finding f = r.findings().get(0);
        assertEquals("posix.system", f.global());
        assertEquals(Severity.DANGEROUS, f.severity());
        assertEquals(25, f.offset());
    }

    @Test
    void stackGlobalWithComputedOperandsIsDangerous() {
        // STACK_GLOBAL (byte 5) on operands the scanner cannot know (an int and a list) counts as dangerous.
        byte[] p = {(byte) 0x80, 4, 'K', 1, ']', (byte) 0x93, '.'};
        ScanResult r = ModelScanner.scan("f", p);
        assertEquals(Verdict.DANGEROUS, r.verdict());
        Finding f = r.findings().get(0);
        assertEquals("?.?", f.global());
        assertEquals(Severity.DANGEROUS, f.severity());
        assertEquals(5, f.offset());
    }

    @Test
    void noFalseAlarmsOnValidFixtures() {
        for (String[] row : PickleFixtures.table("expected.tsv")) {
            ScanResult r = ModelScanner.scan(row[0], PickleFixtures.bytes(row[0]));
            assertNull(r.error(), row[0]);
            // __main__ classes are reported as UNKNOWN (third-party code), never as dangerous.
            assertTrue(r.dangerous().isEmpty(), row[0] + ": " + r.findings());
            assertTrue(r.verdict() == Verdict.CLEAN || r.verdict() == Verdict.UNKNOWN, row[0] + ": " + r.verdict());
        }
    }

    @Test
    void policyCoversSpellingsAndSubmodules() {
        SafetyPolicy p = SafetyPolicy.DEFAULT;
        assertTrue(p.isDangerous("os", "system"));
        assertTrue(p.isDangerous("os.path", "join"));
        assertTrue(p.isDangerous("__builtin__", "eval"));
        assertTrue(p.isDangerous("__builtin__", "reduce")); // functools.reduce in Python 3
        assertTrue(p.isDangerous("commands", "getoutput"));
        assertTrue(p.isDangerous("builtins", "getattr"));
        assertTrue(p.isDangerous("functools", "partial"));
        assertTrue(p.isDangerous("torch", "load"));
        assertTrue(p.isDangerous("numpy.testing._private.utils", "runstring"));
        assertTrue(p.isDangerous("code", "InteractiveInterpreter.runcode"));
        assertFalse(p.isDangerous("__main__", "MyModel"));
        assertFalse(p.isDangerous("argparse", "Namespace"));
        assertFalse(p.isDangerous("numpy.core.multiarray", "_reconstruct"));
        assertFalse(p.isDangerous("torch._utils", "_rebuild_tensor_v2"));
        assertFalse(p.isDangerous("torch.storage", "_load_from_bytes"));
        assertFalse(p.isDangerous("collections", "OrderedDict"));
        assertFalse(p.isDangerous("builtins", "set"));
        assertFalse(p.isDangerous("osx_tools", "thing"));
    }
}
