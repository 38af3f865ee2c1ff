package dev.torch4j.format;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.Torch;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.testing.Fixtures;
import dev.torch4j.testing.ReferencePython;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 0.1.x tar-layout torch.save whose headers are old (v7) tar headers, without the "ustar" magic:
 * Python's tarfile, and so torch.load, reads it; torch4j must read the same tensors (it used to
 * call such a file "not a PyTorch file" while the scanner and the loader disagreed about it).
 */
class V7TarTest {
    private static final int BLOCK = 512;

    @Test void aV7TarReadsAsTorchLoadReadsIt(@TempDir Path dir) throws Exception {
        ReferencePython.require();
        byte[] tar = Files.readAllBytes(Fixtures.root().resolveSibling("format").resolve("legacy_tar.pt"));
        Path v7 = dir.resolve("v7_tar.pt");
        Files.write(v7, toV7(tar));

        String python = ReferencePython.runSource(String.join("\n",
                "import sys, hashlib, torch",
                "obj = torch.load(sys.argv[1])",
                "for k in sorted(obj):",
                "    t = obj[k].contiguous()",
                "    print(k, str(t.dtype).replace('torch.', ''), list(t.shape),"
                        + " hashlib.sha256(t.numpy().tobytes()).hexdigest())"), v7.toString());
        TreeMap<String, String> expected = new TreeMap<>();
        for (String line : python.strip().split("\n")) {
            int space = line.indexOf(' ');
            expected.put(line.substring(0, space), line.substring(space + 1));
        }
        assertTrue(expected.size() >= 2, python);

        assertEquals(Format.LEGACY, Torch.detect(v7));
        try (Checkpoint cp = Torch.open(v7)) {
            TreeMap<String, String> actual = new TreeMap<>();
            for (var e : cp.tensors().entrySet()) {
                Tensor t = e.getValue();
                actual.put(e.getKey(), t.dtype().pythonName() + " " + Arrays.toString(t.shape()) + " " + t.sha256());
            }
            assertEquals(expected, actual);
        }
    }

    /** Every header block rewritten the v7 way: no magic and version, the checksum recomputed. */
    static byte[] toV7(byte[] tar) {
        byte[] out = tar.clone();
        int at = 0;
        while (at + BLOCK <= out.length && out[at] != 0) {
            Arrays.fill(out, at + 257, at + 265, (byte) 0); // "ustar\0" and version "00"
            Arrays.fill(out, at + 265, at + 345, (byte) 0); // owner and group names, device numbers: ustar fields
            Arrays.fill(out, at + 148, at + 156, (byte) ' ');
            long sum = 0;
            for (int i = 0; i < BLOCK; i++) sum += out[at + i] & 0xff;
            byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(field, 0, out, at + 148, 8);
            long size = Long.parseLong(new String(tar, at + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
            at += BLOCK + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
        }
        assertTrue(at > 0, "no tar header rewritten");
        return out;
    }
}
