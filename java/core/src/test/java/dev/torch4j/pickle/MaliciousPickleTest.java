package dev.torch4j.pickle;

import dev.torch4j.UnsafePickleException;
import dev.torch4j.io.HeapRegion;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            PickleScanner.Result r = new PickleScanner(row[0], null).scan(new HeapRegion(PickleFixtures.bytes(row[0])), 0);
            assertEquals(null, r.error());
            assertTrue(r.globals().stream().anyMatch(g -> g.qualifiedName().equals(row[1]) && g.dangerous()),
                    row[1] + " not among " + r.globals());
        }));
    }

    @Test
    void attrgetterChainAlsoFlagsImport() {
        PickleScanner.Result r = new PickleScanner("f", null).scan(new HeapRegion(PickleFixtures.bytes("mal_attrgetter")), 0);
        assertTrue(r.globals().stream().anyMatch(g -> g.qualifiedName().equals("__builtin__.__import__") && g.dangerous()));
    }

    @Test
    void stackGlobalOperandsFromMemoAreResolved() {
        PickleScanner.Result r = new PickleScanner("f", null).scan(new HeapRegion(PickleFixtures.bytes("mal_stack_global_memo")), 0);
        PickleScanner.GlobalRef g = r.globals().get(0);
        assertEquals("posix", g.module());
        assertEquals("system", g.name());
        assertEquals("STACK_GLOBAL", g.opcode());
    }

    @Test
    void stackGlobalWithComputedOperandsIsDangerous() {
        // STACK_GLOBAL on operands the scanner cannot know (an int and a list) counts as dangerous.
        byte[] p = {(byte) 0x80, 4, 'K', 1, ']', (byte) 0x93, '.'};
        PickleScanner.Result r = new PickleScanner("f", null).scan(new HeapRegion(p), 0);
        assertTrue(r.hasDangerous());
        assertEquals("?", r.globals().get(0).module());
    }

    @Test
    void noFalseAlarmsOnValidFixtures() {
        for (String[] row : PickleFixtures.table("expected.tsv")) {
            PickleScanner.Result r = new PickleScanner(row[0], null).scan(new HeapRegion(PickleFixtures.bytes(row[0])), 0);
            assertEquals(null, r.error(), row[0]);
            assertFalse(r.hasDangerous(), row[0] + ": " + r.globals());
            assertEquals(PickleFixtures.bytes(row[0]).length, r.end(), row[0]);
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
