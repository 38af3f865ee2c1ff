package dev.torch4j.pickle;

import dev.torch4j.PickleLimits;
import dev.torch4j.testing.Fixtures;
import dev.torch4j.python.PyTuple;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Verdict;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Truncated, mutated and hostile input only ever ends in a TorchFileException, quickly. */
class RobustnessTest {
    private static final List<String> SAMPLES = List.of("sink_p0", "sink_p2", "sink_p4", "sink_p5", "numpy_p2",
            "numpy_p5", "py2_proto0_text", "recursive_tuple_p2", "pid_p1", "newobj_ex_p4");
    /** Every prefix of these (quadratic work, so the smaller ones and one of each kind). */
    private static final List<String> TRUNCATED = List.of("sink_p4", "numpy_p2", "numpy_p5", "py2_proto0_text",
            "recursive_tuple_p2", "pid_p1", "newobj_ex_p4", "huge_ints_p0", "py2_ordereddict", "inst");

    /** Loads, accepting only success or TorchFileException; then the scanner, which must never throw. */
    private static void loadOrFail(byte[] data, String label) {
        try {
            PickleFixtures.load(data, PickleFixtures.config(label, false));
        } catch (TorchFileException expected) {
            // fine: any other Throwable fails the test
        }
        requireNoInternalError(ModelScanner.scan(label, data), label);
    }

    /** The scanner turns any exception into a result; one it did not expect is reported as an internal error: a bug. */
    private static void requireNoInternalError(ScanResult r, String label) {
        assertFalse(r.error() != null && r.error().contains("internal error"), label + ": " + r.error());
    }

    @Test
    void everyTruncationFailsCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (String name : TRUNCATED) {
                byte[] full = PickleFixtures.bytes(name);
                for (int n = 0; n < full.length; n++) {
                    byte[] cut = java.util.Arrays.copyOf(full, n);
                    TorchFileException e = assertThrows(TorchFileException.class,
                            () -> PickleFixtures.load(cut, PickleFixtures.config(name, false)), name + " cut at " + n);
                    assertTrue(e.offset() >= 0 && e.offset() <= n, name + " offset " + e.offset() + " for length " + n);
                    assertTrue(e.getMessage().contains("opcode") || e.getMessage().contains("reading"), e.getMessage());
                    ScanResult r = ModelScanner.scan(name, cut);
                    // None of these holds a dangerous global, so the damage decides: unreadable, naming file and byte.
                    assertEquals(Verdict.UNREADABLE, r.verdict(), name + " cut at " + n + ": " + r.findings());
                    assertTrue(r.error().startsWith(name + " at byte "), r.error());
                    requireNoInternalError(r, name + " cut at " + n);
                }
            }
        });
    }

    @Test
    void seededMutationsFailCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            Random rnd = new Random(20240611L);
            List<byte[]> originals = SAMPLES.stream().map(PickleFixtures::bytes).toList();
            for (int i = 0; i < 3000; i++) {
                byte[] data = originals.get(i % originals.size()).clone();
                int edits = 1 + rnd.nextInt(4);
                for (int k = 0; k < edits; k++) {
                    int at = rnd.nextInt(data.length);
                    switch (rnd.nextInt(3)) {
                        case 0 -> data[at] = (byte) rnd.nextInt(256);
                        case 1 -> data[at] = (byte) (data[at] ^ (1 << rnd.nextInt(8)));
                        default -> data[at] = (byte) (0x80 + rnd.nextInt(0x19)); // a protocol 2+ opcode
                    }
                }
                loadOrFail(data, "mutant " + i);
            }
        });
    }

    @Test
    void hostileLengthsFailWithoutAllocating() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            // BINUNICODE8, BINBYTES8, BYTEARRAY8 claiming 2^60 bytes; LONG4 and BINSTRING claiming 2 GiB.
            for (int op : new int[] {0x8d, 0x8e, 0x96}) {
                byte[] p = {(byte) 0x80, 5, (byte) op, 0, 0, 0, 0, 0, 0, 0, 0x10, 'x', '.'};
                TorchFileException e = assertThrows(TorchFileException.class, () -> PickleFixtures.load(p, PickleFixtures.config("h", false)));
                assertEquals(2, e.offset());
                assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
            }
            byte[] long4 = {(byte) 0x80, 2, (byte) 0x8b, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, '.'};
            assertThrows(TorchFileException.class, () -> PickleFixtures.load(long4, PickleFixtures.config("h", false)));
            byte[] frame = {(byte) 0x80, 4, (byte) 0x95, -1, -1, -1, -1, -1, -1, -1, -1, 'N', '.'};
            assertThrows(TorchFileException.class, () -> PickleFixtures.load(frame, PickleFixtures.config("h", false)));
        });
    }

    @Test
    void deepMarksHitTheLimit() {
        byte[] p = new byte[100_001];
        java.util.Arrays.fill(p, (byte) '(');
        p[p.length - 1] = '.';
        TorchFileException e = assertThrows(TorchFileException.class, () -> PickleFixtures.load(p, PickleFixtures.config("deep", false)));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void deepNestingWithoutMarksLoadsIteratively() throws Exception {
        // 200,000 nested one-element tuples: no recursion in the machine, so no StackOverflowError.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x80, 2, 'N'});
        for (int i = 0; i < 200_000; i++) b.write(0x85);
        b.write('.');
        Object v = PickleFixtures.load(b.toByteArray(), PickleFixtures.config("nest", false));
        int depth = 0;
        while (v instanceof PyTuple t) { v = t.get(0); depth++; }
        assertEquals(200_000, depth);
        // The same tuple as a dict key: hashing it would need deep recursion, so it is refused cleanly.
        b.reset();
        b.write(new byte[] {(byte) 0x80, 2, '}', 'N'});
        for (int i = 0; i < 200_000; i++) b.write(0x85);
        b.write(new byte[] {'N', 's', '.'});
        byte[] key = b.toByteArray();
        TorchFileException e = assertThrows(TorchFileException.class, () -> PickleFixtures.load(key, PickleFixtures.config("key", false)));
        assertTrue(e.getMessage().contains("SETITEM"), e.getMessage());
    }

    @Test
    void memoAndObjectLimitsApply() {
        PickleLimits tight = new PickleLimits(10, 3, 50, 5);
        PickleMachine.Config c = new PickleMachine.Config("t", null, null, null, false, tight);
        byte[] memo = {(byte) 0x80, 4, 'N', (byte) 0x94, (byte) 0x94, (byte) 0x94, (byte) 0x94, '.'};
        assertTrue(assertThrows(TorchFileException.class, () -> new PickleMachine(new HeapRegion(memo), 0, c).load())
                .getMessage().contains("memo"));
        byte[] items = {(byte) 0x80, 2, ']', '(', 'N', 'N', 'N', 'N', 'N', 'N', 'e', '.'};
        assertTrue(assertThrows(TorchFileException.class, () -> new PickleMachine(new HeapRegion(items), 0, c).load())
                .getMessage().contains("limit"));
        // A sparse hostile memo key costs one entry, not a 4-billion-slot array.
        byte[] sparse = {(byte) 0x80, 2, 'N', 'r', -1, -1, -1, -1, '0', 'j', -1, -1, -1, -1, '.'};
        assertDoesNotThrow(() -> assertEquals(null, new PickleMachine(new HeapRegion(sparse), 0, c).load()));
    }
}
