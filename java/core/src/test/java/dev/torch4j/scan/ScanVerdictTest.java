package dev.torch4j.scan;

import dev.torch4j.io.HeapRegion;
import dev.torch4j.testing.HostileBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Default-deny verdicts on hand-made pickles whose behaviour under Python is known by construction
 * (each one mirrors a call the differential harness proves): vetted globals are clean, unvetted ones
 * unknown, evidence dangerous; a user policy accepts libraries but not what they are handed.
 */
class ScanVerdictTest {
    private static HostileBytes.Pickle p2() { return new HostileBytes.Pickle().proto(2); }

    private static ScanResult scan(byte[] b) { return ModelScanner.scan("t.pkl", b); }

    private static ScanResult scan(byte[] b, String... allowed) {
        return ModelScanner.scan("t.pkl", new HeapRegion(b), ScanLimits.DEFAULT, ScanPolicy.allowing(List.of(allowed)));
    }

    @Test
    void preOneThnnBackendCallIsClean() {
        // Pre-1.0 torch.save stored each module's _backend as this call with no arguments.
        byte[] b = p2().op('}').str("_backend").global("torch.nn.backends.thnn", "_get_thnn_function_backend").op(')', 'R', 's').stop().bytes();
        assertEquals(Verdict.CLEAN, scan(b).verdict(), () -> scan(b).toString());
    }

    @Test
    void numpyRandomStateConstructorIsCleanButNotWithAnotherCallable() {
        // numpy 1.24 pickles RandomState as __randomstate_ctor('MT19937', __bit_generator_ctor), then BUILD.
        byte[] ok = p2().global("numpy.random._pickle", "__randomstate_ctor").op('(').str("MT19937")
                .global("numpy.random._pickle", "__bit_generator_ctor").op('t', 'R').op('}').str("pos").integer(624).op('s', 'b').stop().bytes();
        assertEquals(Verdict.CLEAN, scan(ok).verdict(), () -> scan(ok).toString());
        // The constructor calls its second argument with the first: os.system('touch m') (the harness proves it fires).
        byte[] bad = p2().global("numpy.random._pickle", "__randomstate_ctor").op('(').str("touch m").global("posix", "system").op('t', 'R').stop().bytes();
        ScanResult r = scan(bad);
        assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
        assertEquals("posix.system", r.dangerous().get(0).global());
    }

    @Test
    void partialOfMaxReferencedIsUnknownNotDangerous() {
        byte[] b = p2().op('}').str("f").global("functools", "partial").global("builtins", "max").integer(1).op(0x86, 'R', 's').stop().bytes();
        ScanResult r = scan(b);
        assertEquals(Verdict.UNKNOWN, r.verdict(), r::toString);
        // Called, it is a call of max: still not evidence of an attack.
        byte[] called = p2().global("functools", "partial").global("builtins", "max").integer(1).op(0x86, 'R').op(')', 'R').stop().bytes();
        assertEquals(Verdict.UNKNOWN, scan(called).verdict(), () -> scan(called).toString());
    }

    @Test
    void numpyClassesThatTouchFilesAreDangerousEvenWhenNumpyIsAllowed() {
        byte[] memmap = p2().global("numpy", "memmap").op('(').str("m").str("w+").op('t', 'R').stop().bytes();
        assertEquals(Verdict.DANGEROUS, scan(memmap).verdict());
        assertEquals(Verdict.DANGEROUS, scan(memmap, "numpy").verdict());
        byte[] dataSource = p2().global("numpy.lib._datasource", "DataSource").op(')', 0x81).stop().bytes();
        assertEquals(Verdict.DANGEROUS, scan(dataSource).verdict());
        // an ndarray subclass rebuilt by _reconstruct is instantiated: memmap's class is evidence there too
        byte[] reconstruct = p2().global("numpy.core.multiarray", "_reconstruct").op('(').global("numpy", "memmap")
                .op('(').integer(0).op(0x85).op('t', 'R').stop().bytes();
        assertEquals(Verdict.DANGEROUS, scan(reconstruct).verdict(), () -> scan(reconstruct).toString());
    }

    @Test
    void thirdPartyPowerfulModulesAreDangerousWhenCalled() {
        for (String[] g : new String[][] {{"six.moves.builtins", "exec"}, {"future.moves.subprocess", "call"},
                {"attr._make", "_make_method"}, {"test.support.script_helper", "run_python_until_end"},
                {"scipy.io", "savemat"}, {"sklearn.utils._joblib", "dump"}, {"typing_extensions", "get_type_hints"}}) {
            byte[] b = p2().global(g[0], g[1]).op('(').str("x").op('t', 'R').stop().bytes();
            assertEquals(Verdict.DANGEROUS, scan(b).verdict(), String.join(".", g));
        }
    }

    @Test
    void policyAllowsALibraryButNotWhatItIsHanded() {
        byte[] model = p2().global("acme.nets", "TinyNet").op(')', 0x81).op('}').str("depth").integer(2).op('s', 'b').stop().bytes();
        assertEquals(Verdict.UNKNOWN, scan(model).verdict());
        assertEquals(Verdict.CLEAN, scan(model, "acme").verdict());
        assertEquals(Verdict.CLEAN, scan(model, "acme.nets.TinyNet").verdict());
        assertEquals(Verdict.UNKNOWN, scan(model, "acme.other").verdict());
        // an allowed scheduler handed a standard-library function, which it calls later
        byte[] handed = p2().global("acme.sched", "LambdaLR").op('(').global("subprocess", "getoutput").op('t', 'R').stop().bytes();
        ScanResult r = scan(handed, "acme");
        assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
        assertEquals(Use.HANDED, r.dangerous().get(0).use());
        // an allowed class whose state swaps its class
        byte[] swap = p2().global("acme.nets", "TinyNet").op(')', 0x81).op('N', '}').str("__class__").global("acme.nets", "Other")
                .op('s', 0x86, 'b').stop().bytes();
        ScanResult s = scan(swap, "acme");
        assertEquals(Verdict.DANGEROUS, s.verdict(), s::toString);
        assertTrue(s.dangerous().get(0).reason().contains("__class__"), s::toString);
        // evidence cannot be allowed
        byte[] system = p2().global("os", "system").op('(').str("x").op('t', 'R').stop().bytes();
        assertEquals(Verdict.DANGEROUS, scan(system, "os").verdict());
    }

    @Test
    void policyFileNamesModulesAndGlobals(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("trusted.txt");
        Files.writeString(file, "# our models\nacme.nets   # the nets\n\ntorch.nn\n");
        ScanPolicy p = ScanPolicy.DEFAULT.withFile(file);
        assertEquals(List.of("acme.nets", "torch.nn"), List.copyOf(p.names()));
        Files.writeString(file, "acme nets\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanPolicy.DEFAULT.withFile(file));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void bytesInABuildStateAreScannedAsAPickle() {
        byte[] inner = p2().global("posix", "system").str("touch m").op(0x85, 'R').stop().bytes();
        byte[] b = new HostileBytes.Pickle().proto(3).global("acme.pipes", "Wrapper").op(')', 0x81).bytes(inner).op(0x89, 0x86, 'b').stop().bytes();
        ScanResult r = scan(b, "acme");
        assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
        assertEquals("posix.system", r.dangerous().get(0).global());
        assertTrue(r.dangerous().get(0).chain().get(0).startsWith("bytes in a BUILD state"), r::toString);
    }

    @Test
    void getattrOnAnObjectIsUnknown() {
        byte[] b = p2().global("builtins", "getattr").global("collections", "OrderedDict").op(')', 'R').str("keys").op(0x86, 'R').stop().bytes();
        ScanResult r = scan(b);
        assertEquals(Verdict.UNKNOWN, r.verdict(), r::toString);
    }

    @Test
    void torchScriptSourceIsTokenizedAsTorchScriptDoes() {
        String src = "class M(Module):\n  def eval(self) -> None:\n    return None\n  def forward(self, x):\n    return self.eval()\n";
        assertEquals(List.of(), ScriptOps.scanSource(src, "code/m.py", List.of()));
        String spaced = "def forward(self, x):\n    return torch . from_file (\"/etc/passwd\", False, 4)\n";
        List<Finding> f = ScriptOps.scanSource(spaced, "code/m.py", List.of());
        assertEquals(1, f.size(), f::toString);
        assertEquals("aten::from_file", f.get(0).global());
        String continued = "def forward(self, x):\n    return torch.ops.\\\n  aten.save(x, \"/tmp/x\")\n";
        assertEquals("aten::save", ScriptOps.scanSource(continued, "code/m.py", List.of()).get(0).global());
        assertEquals(Severity.DANGEROUS, ScriptOps.scanSource("    eval (\"1\")\n", "code/m.py", List.of()).get(0).severity());
    }

    // ---- reading what the loaders read

    /**
     * One stored entry at absolute offset {@code base} (the bytes before it belong to another archive),
     * its central directory and an end record claiming {@code commentLength} comment bytes.
     */
    private static byte[] storedZip(int base, String name, byte[] data, int commentLength) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(30 + n.length + data.length + 46 + n.length + 22).order(ByteOrder.LITTLE_ENDIAN);
        int crc = (int) HostileBytes.crc(data);
        b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0).putInt(crc)
                .putInt(data.length).putInt(data.length).putShort((short) n.length).putShort((short) 0).put(n).put(data);
        int cd = base + b.position();
        b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0).putInt(crc)
                .putInt(data.length).putInt(data.length).putShort((short) n.length).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putInt(0).putInt(base).put(n);
        int cdSize = base + b.position() - cd;
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .putInt(cdSize).putInt(cd).putShort((short) commentLength);
        return b.array();
    }

    /**
     * Two archives back to back, the second's end record claiming a comment that is not there: Python's
     * zipfile and libtorch take the last end record, so the second archive is what PyTorch loads.
     */
    @Test
    void lastEndRecordWinsEvenWithAMissingComment() {
        byte[] first = storedZip(0, "archive/data.pkl", p2().op('}').stop().bytes(), 0);
        byte[] second = storedZip(first.length, "archive/data.pkl",
                p2().global("posix", "system").str("x").op(0x85, 'R').stop().bytes(), 100);
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        assertEquals(Verdict.CLEAN, ModelScanner.scan("first.pt", first).verdict());
        ScanResult r = ModelScanner.scan("both.pt", both);
        assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
    }

    /** A zip nested eight deep, sixteen central entries per level all pointing at one record: seconds, not minutes. */
    @Test
    void nestedArchivesShareOneBudget() {
        byte[] level = p2().global("posix", "system").str("x").op(0x85, 'R').stop().bytes();
        level = fanOut("archive/data.pkl", level, 16);
        for (int depth = 0; depth < 8; depth++) level = fanOut("m.pt", level, 16);
        long t0 = System.nanoTime();
        ScanResult r = ModelScanner.scan("nested.pt", level);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "took " + ms + " ms");
        assertNotEquals(Verdict.CLEAN, r.verdict(), r::toString);
        // 20,000 central entries pointing at one pickle record: the record is read once
        byte[] many = fanOut("archive/data.pkl", p2().op('}').stop().bytes(), 20_000);
        t0 = System.nanoTime();
        ScanResult m = ModelScanner.scan("many.pt", many);
        ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5_000, "took " + ms + " ms");
        // the local header names only the first: the other central entries are flagged as forged structure
        assertEquals(Verdict.DANGEROUS, m.verdict(), () -> m.findings().get(0).toString());
    }

    /** One stored record, {@code n} central entries pointing at it ({@code name}, then name0, name1... for the others). */
    private static byte[] fanOut(String name, byte[] data, int n) {
        byte[] nb = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(30 + nb.length + data.length + n * (46 + nb.length + 6) + 22).order(ByteOrder.LITTLE_ENDIAN);
        int crc = (int) HostileBytes.crc(data);
        b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0).putInt(crc)
                .putInt(data.length).putInt(data.length).putShort((short) nb.length).putShort((short) 0).put(nb).put(data);
        int cd = b.position();
        for (int i = 0; i < n; i++) {
            byte[] en = (i == 0 ? name : name.replace(".", i + ".")).getBytes(StandardCharsets.UTF_8);
            b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0).putInt(crc)
                    .putInt(data.length).putInt(data.length).putShort((short) en.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(en);
        }
        int cdSize = b.position() - cd;
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) n).putShort((short) n)
                .putInt(cdSize).putInt(cd).putShort((short) 0);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    @Test
    void treeScanListsUndetectedPicklesAndSkipsDocumentation(@TempDir Path dir) throws Exception {
        // Protocol 0 pickles need not end with STOP as the last byte: pickle.load stops at the first STOP.
        Files.write(dir.resolve("weights"), ("cposix\nsystem\n(S'touch m'\ntR.garbage").getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("broken.bin"), "(Kgarbage".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(dir.resolve("README.md"), "This model was trained on...\n");
        List<ScanResult> rs = ModelScanner.scanTree(dir, null);
        assertEquals(3, rs.size());
        assertEquals(Verdict.SKIPPED, rs.get(0).verdict(), rs::toString); // README.md
        assertEquals(Verdict.UNREADABLE, rs.get(1).verdict(), rs::toString); // broken.bin: listed, fails the run
        assertEquals(Verdict.DANGEROUS, rs.get(2).verdict(), rs::toString); // weights
    }
}
