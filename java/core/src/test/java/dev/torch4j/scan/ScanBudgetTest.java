package dev.torch4j.scan;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** Nested payloads are bounded: depth, count, and the same memoized payload is scanned once. */
class ScanBudgetTest {
    private static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x8c);
        o.write(b.length);
        o.writeBytes(b);
        return o.toByteArray();
    }

    private static byte[] binbytes(byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write('B');
        for (int i = 0; i < 4; i++) o.write(b.length >>> (8 * i));
        o.writeBytes(b);
        return o.toByteArray();
    }

    /** pickle.loads(inner) as a protocol-4 pickle. */
    private static byte[] loads(byte[] inner) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(4);
        o.writeBytes(str("pickle"));
        o.writeBytes(str("loads"));
        o.write(0x93);
        o.writeBytes(binbytes(inner));
        o.write(0x85); // TUPLE1
        o.write('R');
        o.write('.');
        return o.toByteArray();
    }

    private static final byte[] EMPTY = {(byte) 0x80, 4, 'N', '.'};

    @Test
    void deepNestingIsUnreadableNotClean() {
        byte[] p = EMPTY;
        for (int i = 0; i < 12; i++) p = loads(p);
        ScanResult r = ModelScanner.scan("deep.pkl", p);
        assertEquals(Verdict.UNREADABLE, r.verdict(), r::toString);
        assertTrue(r.error().contains("nested more than 8"), r.error());
        byte[] shallow = loads(loads(EMPTY));
        assertEquals(Verdict.CLEAN, ModelScanner.scan("ok.pkl", shallow).verdict());
    }

    @Test
    void memoizedPayloadIsScannedOnceAndFanOutIsBounded() {
        // One payload memoized, then fetched 200,000 times and loaded each time: a list of loads.
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(4);
        o.writeBytes(str("pickle"));
        o.writeBytes(str("loads"));
        o.write(0x93);
        o.write(0x94); // MEMOIZE -> 0
        o.writeBytes(binbytes(EMPTY));
        o.write(0x85);
        o.write(0x94); // MEMOIZE -> 1: the args tuple
        o.write('0'); // POP
        o.write('0');
        o.write(']'); // EMPTY_LIST
        o.write('(');
        for (int i = 0; i < 200_000; i++) {
            o.write('h'); o.write(0); // BINGET 0
            o.write('h'); o.write(1); // BINGET 1
            o.write('R');
        }
        o.write('e'); // APPENDS
        o.write('.');
        long t0 = System.nanoTime();
        ScanResult r = ModelScanner.scan("fanout.pkl", o.toByteArray());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "took too long");
        assertEquals(Verdict.CLEAN, r.verdict(), r::toString);

        // Distinct payloads beyond the count budget make the file unreadable, never clean.
        ScanLimits small = new ScanLimits(8, 100, 1 << 20, 1 << 24);
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        many.write(0x80);
        many.write(4);
        many.write(']');
        many.write('(');
        for (int i = 0; i < 150; i++) many.writeBytes(java.util.Arrays.copyOfRange(loads(EMPTY), 2, loads(EMPTY).length - 1));
        many.write('e');
        many.write('.');
        ScanResult limited = ModelScanner.scan("many.pkl", new dev.torch4j.io.HeapRegion(many.toByteArray()), small);
        assertEquals(Verdict.UNREADABLE, limited.verdict(), limited::toString);
        assertTrue(limited.error().contains("more than 100 nested payloads"), limited.error());
    }
}
