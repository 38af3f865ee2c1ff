package dev.torch4j.pickle;

import dev.torch4j.python.PyDict;
import dev.torch4j.python.PyFrozenSet;
import dev.torch4j.python.PyObject;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Value types, refusals and error positions of the machine, on the Python-written fixtures. */
class PickleMachineTest {
    private static TorchFileException refuse(byte[] p) {
        return assertThrows(TorchFileException.class, () -> PickleFixtures.load(p, PickleFixtures.config("x.pkl", false)));
    }

    @Test
    void javaTypesFollowTheContract() throws Exception {
        Map<?, ?> sink = (Map<?, ?>) PickleFixtures.load("sink_p2");
        List<?> ints = (List<?>) sink.get("ints");
        assertInstanceOf(Long.class, ints.get(10));              // 2**63-1 fits a long
        assertInstanceOf(BigInteger.class, ints.get(12));        // 2**64 does not
        assertInstanceOf(byte[].class, sink.get("bytearray"));
        assertInstanceOf(PyFrozenSet.class, sink.get("frozenset"));
        PyDict od = (PyDict) sink.get("odict");
        assertEquals("collections.OrderedDict", od.type());
        assertEquals(Map.of("", Map.of("version", 1L)), od.attributes().get("_metadata"));
        PyObject ns = (PyObject) sink.get("ns");
        assertEquals("argparse.Namespace", ns.type().qualifiedName());
        assertEquals(0.1, ns.attributes().get("lr"));
        PyObject attrDict = (PyObject) sink.get("attrdict");
        assertEquals(Map.of("a", 1L), attrDict.dictItems());
        List<?> shared = (List<?>) sink.get("shared");
        assertSame(shared.get(0), shared.get(1)); // the memo keeps sharing
    }

    /** Python: pickle.loads(b'\x80\x02Nq\x000]h\x00a.') == [None]; b'\x80\x02h\x01.' raises UnpicklingError (memo value 1 not found). */
    @Test
    void memoizedNoneComesBackAsNone() throws Exception {
        // PROTO 2, NONE, BINPUT 0, POP, EMPTY_LIST, BINGET 0, APPEND, STOP
        byte[] p = {(byte) 0x80, 2, 'N', 'q', 0, '0', ']', 'h', 0, 'a', '.'};
        assertEquals(java.util.Arrays.asList((Object) null), PickleFixtures.load(p, PickleFixtures.config("none.pkl", false)));
        TorchFileException e = refuse(new byte[] {(byte) 0x80, 2, 'h', 1, '.'});
        assertTrue(e.getMessage().contains("memo key 1 was never stored"), e.getMessage());
    }

    @Test
    void recursiveListContainsItself() throws Exception {
        for (String p : List.of("recursive_list_p0", "recursive_list_p2", "recursive_list_p4")) {
            List<?> l = (List<?>) PickleFixtures.load(p);
            assertSame(l, l.get(1), p);
        }
    }

    @Test
    void severalPicklesInARow() throws Exception {
        byte[] two = {(byte) 0x80, 2, 'K', 1, '.', (byte) 0x80, 2, 'K', 2, '.'};
        PickleMachine m = new PickleMachine(new HeapRegion(two), 0, PickleFixtures.config("two", false));
        assertEquals(1L, m.load());
        assertEquals(5, m.position());
        assertEquals(2L, m.load());
        assertEquals(10, m.position());
    }

    @Test
    void refusalsNameOpcodeAndOffset() {
        TorchFileException ext = refuse(new byte[] {(byte) 0x80, 2, (byte) 0x82, 7, '.'});
        assertEquals(2, ext.offset());
        assertTrue(ext.getMessage().contains("x.pkl") && ext.getMessage().contains("opcode 0x82 EXT1")
                && ext.getMessage().contains("extension"), ext.getMessage());
        TorchFileException buf = refuse(new byte[] {(byte) 0x80, 5, (byte) 0x97, '.'});
        assertTrue(buf.getMessage().contains("NEXT_BUFFER") && buf.getMessage().contains("out-of-band"), buf.getMessage());
        byte[] pid = PickleFixtures.bytes("pid_p2");
        TorchFileException noLoader = assertThrows(TorchFileException.class, () -> PickleFixtures.load(pid,
                new PickleMachine.Config("p", null, null, null, false, null)));
        assertTrue(noLoader.getMessage().contains("BINPERSID") && noLoader.getMessage().contains("no persistent loader"));
        TorchFileException build = refuse(new byte[] {(byte) 0x80, 2, ']', '}', 'b', '.'});
        assertTrue(build.getMessage().contains("BUILD") && build.getMessage().contains("list"), build.getMessage());
        TorchFileException proto = refuse(new byte[] {(byte) 0x80, 9, 'N', '.'});
        assertTrue(proto.getMessage().contains("protocol 9"));
        TorchFileException noStop = refuse(new byte[] {(byte) 0x80, 2, 'N'});
        assertEquals(3, noStop.offset());
        TorchFileException unhashable = refuse(new byte[] {(byte) 0x80, 2, '}', ']', 'N', 's', '.'});
        assertTrue(unhashable.getMessage().contains("unhashable"), unhashable.getMessage());
    }

    @Test
    void resolverCallableFailuresAreWrapped() {
        GlobalResolver boom = (m, n) -> m.equals("my") ? args -> { throw new IllegalStateException("bad args"); } : null;
        byte[] p = "cmy\nthing\n)R.".getBytes();
        TorchFileException e = assertThrows(TorchFileException.class, () -> PickleFixtures.load(p,
                new PickleMachine.Config("f", "data.pkl", boom, null, false, null)));
        assertEquals(11, e.offset());
        assertEquals("data.pkl", e.entry());
        assertTrue(e.getMessage().contains("REDUCE") && e.getMessage().contains("my.thing") && e.getMessage().contains("bad args"),
                e.getMessage());
    }

    @Test
    void unknownGlobalsStayInert() throws Exception {
        PyObject o = (PyObject) PickleFixtures.load("inst");
        assertEquals("__main__.Thing", o.type().qualifiedName());
        assertEquals(Map.of("x", 1L), o.attributes());
    }
}
