package dev.torch4j.pickle;

import dev.torch4j.ErrorKind;
import dev.torch4j.PickleLimits;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.testing.ReferencePython;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two pickle interpreters read the same bytes the same way: {@link PickleMachine} (builds values)
 * and {@link PickleFlow} (follows them symbolically, for the scanner) see the same globals in the
 * same order, and on every truncated prefix of a pickle both refuse it at the same opcode offset,
 * with the same kind and message. The pickles are the test fixtures, the fuzz seeds and pickles
 * Python writes at protocols 0 to 5.
 */
class InterpreterAgreementTest {
    /** Prefixes tried per pickle: every length up to this, then evenly spaced ones. */
    private static final int PREFIXES = 500;

    private static final String PYTHON = String.join("\n",
            "import pickle, sys, collections, datetime, fractions, decimal, argparse",
            "shared = [1, 2, 3]",
            "rec = []",
            "rec.append(rec)",
            "obj = {",
            "    'ints': [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31, 2**63, -2**64, 10**40],",
            "    'floats': [0.0, -1.5, 1e300, float('inf')],",
            "    'text': ['', 'a', '\\u00e9', '\\u20ac' * 3, 'x' * 300, 'y' * 5000, '\\U0001f600'],",
            "    'bytes': [b'', b'\\x00\\xff', bytes(range(256)) * 2],",
            "    'bytearray': bytearray(b'abc'), 'consts': (None, True, False),",
            "    'tuples': [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4, 5)],",
            "    'set': {1, 2, 3}, 'frozenset': frozenset({'a'}),",
            "    'odict': collections.OrderedDict([('a', 1), ('b', [shared, shared])]),",
            "    'date': datetime.date(2024, 1, 2), 'dt': datetime.datetime(2024, 1, 2, 3, 4, 5),",
            "    'fraction': fractions.Fraction(3, 4), 'decimal': decimal.Decimal('1.25'),",
            "    'ns': argparse.Namespace(lr=0.1, name='run'), 'complex': complex(1, 2),",
            "    'counter': collections.Counter('abca'), 'rec': rec,",
            "    'nested': {'k%d' % i: {'v': [i] * (i % 4)} for i in range(40)},",
            "}",
            "for proto in range(6):",
            "    sys.stdout.write('python_p%d\\t%s\\n' % (proto, pickle.dumps(obj, protocol=proto).hex()))");

    /** What one interpreter made of some bytes: the globals it met (Python 3 names) and how it ended. */
    private record Reading(List<String> globals, TorchFileException failure) {
        String outcome() {
            return failure == null ? "read" : failure.kind() + " at " + failure.offset() + ": " + failure.getMessage();
        }
    }

    @Test
    void pythonWrittenPicklesAtEveryProtocolAndTheirPrefixes() {
        ReferencePython.require("pickle");
        Map<String, byte[]> pickles = new LinkedHashMap<>();
        for (String line : ReferencePython.runSource(PYTHON).lines().toList()) {
            String[] f = line.split("\t");
            pickles.put(f[0], HexFormat.of().parseHex(f[1]));
        }
        assertEquals(6, pickles.size());
        int compared = 0;
        for (Map.Entry<String, byte[]> p : pickles.entrySet()) {
            Reading whole = agree(p.getKey(), p.getValue());
            assertEquals("read", whole.outcome(), p.getKey());
            assertTrue(whole.globals().contains("collections.OrderedDict"), p.getKey() + " " + whole.globals());
            compared += agreeOnPrefixes(p.getKey(), p.getValue());
        }
        assertTrue(compared > 6 * PREFIXES, compared + " truncated readings compared");
    }

    @Test
    void fixturesAndFuzzSeedsAndTheirPrefixes() throws IOException, URISyntaxException {
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("/pickle", "/dev/torch4j/fuzz/ReaderFuzzTestInputs/pickleMachine")) {
            Path dir = Path.of(InterpreterAgreementTest.class.getResource(folder).toURI());
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(f -> f.toString().endsWith(".pkl")).sorted().forEach(files::add);
            }
        }
        assertTrue(files.size() > 90, files.size() + " pickles");
        int whole = 0;
        for (Path f : files) {
            byte[] data = Files.readAllBytes(f);
            Reading r = agree(f.getFileName().toString(), data);
            if (r.failure() == null) whole++;
            agreeOnPrefixes(f.getFileName().toString(), data);
        }
        assertTrue(whole > 80, whole + " pickles read whole by both");
    }

    @Test
    void malformedStacksAreRefusedInTheSameWords() {
        String[][] cases = {
            {"t.", "no MARK on the stack"},
            {"0.", "stack underflow"},
            {"(R.", "stack underflow"},
            {"(e.", "stack underflow"},
            {"(o.", "stack underflow"},
            {"N(Ns.", "stack underflow"},
            {".", "stack underflow"},
            {"N\u00ff", "not a pickle opcode"},
            {"\u0080\u0009N.", "unsupported protocol 9"},
        };
        for (String[] c : cases) {
            byte[] p = c[0].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            Reading machine = machine(p);
            Reading flow = flow(p);
            assertEquals(machine.outcome(), flow.outcome(), c[0]);
            assertNotNull(machine.failure(), c[0]);
            assertTrue(machine.failure().getMessage().contains(c[1]), machine.outcome());
        }
        assertEquals(ErrorKind.UNSUPPORTED, machine(new byte[] {(byte) 0x80, 9, 'N', '.'}).failure().kind());
    }

    /** Both readings of the bytes; asserts they agree and returns the machine's. */
    private static Reading agree(String name, byte[] data) {
        Reading machine = machine(data);
        Reading flow = flow(data);
        assertEquals(machine.outcome(), flow.outcome(), name);
        assertEquals(machine.globals(), flow.globals(), name);
        return machine;
    }

    /** Compares the readings of truncated copies; returns how many were compared. */
    private static int agreeOnPrefixes(String name, byte[] data) {
        Reading whole = machine(data);
        // A refusal of the whole pickle (say a callable refusing its arguments) is the machine's alone:
        // only the prefixes that end before it can be compared.
        long end = whole.failure() == null ? data.length : whole.failure().offset();
        int step = Math.max(1, (int) (end / PREFIXES));
        int compared = 0;
        for (long n = 0; n < end; n += n < PREFIXES ? 1 : step) {
            byte[] cut = java.util.Arrays.copyOf(data, (int) n);
            Reading machine = machine(cut);
            Reading flow = flow(cut);
            String where = name + " cut to " + n + " bytes";
            assertNotNull(machine.failure(), where);
            assertEquals(ErrorKind.TRUNCATED, machine.failure().kind(), where + ": " + machine.outcome());
            assertEquals(machine.outcome(), flow.outcome(), where);
            assertEquals(machine.globals(), flow.globals(), where);
            compared++;
        }
        return compared;
    }

    private static Reading machine(byte[] data) {
        List<String> seen = new ArrayList<>();
        GlobalResolver recording = (module, name) -> {
            seen.add(module + "." + name);
            return null;
        };
        PickleMachine.Config config = new PickleMachine.Config("x.pkl", "data.pkl", recording,
                pid -> List.of("PID", pid), true, PickleLimits.DEFAULT);
        try {
            new PickleMachine(new HeapRegion(data), 0, config).load();
            return new Reading(seen, null);
        } catch (TorchFileException e) {
            return new Reading(seen, e);
        }
    }

    private static Reading flow(byte[] data) {
        List<String> seen = new ArrayList<>();
        PickleFlow.Observer observer = new PickleFlow.Observer() {
            @Override public void global(PickleFlow.Global g) {
                // The machine's resolver only hears of globals the safety policy lets through.
                if (SafetyPolicy.DEFAULT.isDangerous(g.module(), g.name())) return;
                String[] py3 = PickleFlow.py3Name(g.module(), g.name());
                seen.add(py3[0] + "." + py3[1]);
            }

            @Override public PickleFlow.Sym call(PickleFlow.Sym callee, PickleFlow.Sym args, boolean instantiate,
                                                 long offset, String opcode) {
                return PickleFlow.OPAQUE;
            }

            @Override public void build(PickleFlow.Sym target, PickleFlow.Sym state, long offset) {}
        };
        try {
            new PickleFlow("x.pkl", "data.pkl", PickleLimits.DEFAULT).walk(new HeapRegion(data), 0, observer);
            return new Reading(seen, null);
        } catch (TorchFileException e) {
            return new Reading(seen, e);
        }
    }
}
