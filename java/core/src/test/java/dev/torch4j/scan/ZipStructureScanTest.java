package dev.torch4j.scan;

import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Forged archive structure, made by patching a real torch.save archive (mlp_state_dict.pt): a local
 * header that names another entry than the central directory does is dangerous; an encrypted entry
 * cannot be scanned (PyTorch cannot read it either), so the file is unreadable, never clean.
 */
class ZipStructureScanTest {
    private static final String DATA = "mlp_state_dict/data.pkl";

    private static byte[] original() throws Exception {
        return Files.readAllBytes(Fixtures.file("zip/mlp_state_dict.pt"));
    }

    /** Offset of the header with this signature whose name field holds {@code name}. */
    private static int header(byte[] b, int signature, int nameAt, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int p = 0; p + nameAt + n.length <= b.length; p++) {
            if ((b[p] & 0xff | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24) != signature) continue;
            for (int i = 0; i < n.length; i++) if (b[p + nameAt + i] != n[i]) continue outer;
            return p;
        }
        throw new AssertionError(name + " not found");
    }

    @Test
    void localHeaderNameMismatchIsDangerous() throws Exception {
        byte[] b = original();
        assertEquals(Verdict.CLEAN, ModelScanner.scan("a.pt", b).verdict());
        int local = header(b, 0x04034b50, 30, DATA);
        b[local + 30 + DATA.length() - 1] = 'x'; // local header now says data.pkx
        ScanResult r = ModelScanner.scan("forged.pt", b);
        assertEquals(Verdict.DANGEROUS, r.verdict(), r::toString);
        Finding f = r.dangerous().get(0);
        assertEquals(DATA, f.global());
        assertEquals(Use.ARCHIVE, f.use());
        assertTrue(f.reason().contains("mlp_state_dict/data.pkx"), f.reason());
    }

    @Test
    void encryptedEntryIsUnreadable() throws Exception {
        byte[] b = original();
        int central = header(b, 0x02014b50, 46, DATA);
        b[central + 8] |= 1; // general-purpose flag bit 0: encrypted
        ScanResult r = ModelScanner.scan("encrypted.pt", b);
        assertEquals(Verdict.UNREADABLE, r.verdict(), r::toString);
        assertTrue(r.error().contains("encrypted"), r.error());
    }
}
