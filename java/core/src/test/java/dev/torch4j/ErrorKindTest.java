package dev.torch4j;

import dev.torch4j.tensor.Tensor;
import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Failures carry a kind a program can act on, found where the problem is: a cut file says
 * {@link ErrorKind#TRUNCATED} with a byte offset, a damaged one {@link ErrorKind#CORRUPT} at the
 * damaged byte and inside the entry that holds it, a refused limit {@link ErrorKind#LIMIT}, a
 * dangerous pickle {@link ErrorKind#UNSAFE}.
 */
class ErrorKindTest {
    @TempDir
    Path tmp;

    @Test
    void everyCutFixtureIsTruncatedAtARealOffset() throws IOException {
        List<Path> fixtures = new ArrayList<>();
        for (String dir : List.of("zip", "legacy", "pickle", "torchscript", "mobile")) {
            try (Stream<Path> s = Files.list(Fixtures.root().resolve(dir))) {
                s.filter(p -> !p.toString().endsWith(".json")).sorted().forEach(fixtures::add);
            }
        }
        List<String> problems = new ArrayList<>();
        int refused = 0;
        for (Path f : fixtures) {
            byte[] data = Files.readAllBytes(f);
            for (int i = 1; i <= 24; i++) {
                int length = (int) ((long) data.length * i / 25);
                TorchFileException e = openFails(Arrays.copyOf(data, length));
                if (e == null) continue; // a cut that leaves a readable file (trailing bytes nothing needs)
                refused++;
                String what = f.getFileName() + " cut to " + length + ": " + e.kind() + " " + e.getMessage();
                // A cut before the format's signature leaves bytes nothing recognises: unsupported, not truncated.
                boolean unrecognised = e.kind() == ErrorKind.UNSUPPORTED && e.reason().startsWith("not a PyTorch file");
                if (e.kind() != ErrorKind.TRUNCATED && !unrecognised) problems.add(what);
                else if (e.offset() < 0 || e.offset() > length) problems.add("offset outside the file: " + what);
            }
        }
        assertTrue(refused > 300, refused + " cuts refused");
        assertEquals(List.of(), problems);
    }

    @Test
    void aCutPickleInsideAnArchiveNamesTheEntryAndTheOffsetInIt() throws IOException {
        Map<String, byte[]> entries = entries(Fixtures.file("zip/mlp_state_dict.pt"));
        String pkl = entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
        byte[] pickle = entries.get(pkl);
        int cut = pickle.length / 2;
        entries.put(pkl, Arrays.copyOf(pickle, cut));
        TorchFileException e = openFails(zip(entries));
        assertEquals(ErrorKind.TRUNCATED, e.kind(), e.getMessage());
        assertEquals(pkl, e.entry());
        // The offset is that of the opcode whose argument runs past the cut: in the entry, at most the cut.
        assertTrue(e.offset() >= 0 && e.offset() <= cut, e.getMessage());
        assertTrue(e.getMessage().contains("[entry " + pkl + "] at byte " + e.offset()), e.getMessage());
    }

    @Test
    void aDamagedOpcodeIsCorruptAtItsByte() throws IOException {
        Map<String, byte[]> entries = entries(Fixtures.file("zip/mlp_state_dict.pt"));
        String pkl = entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
        byte[] pickle = entries.get(pkl).clone();
        assertEquals((byte) 0x80, pickle[0]); // PROTO 2: the next opcode starts at byte 2
        pickle[2] = (byte) 0xff;
        entries.put(pkl, pickle);
        TorchFileException e = openFails(zip(entries));
        assertEquals(ErrorKind.CORRUPT, e.kind(), e.getMessage());
        assertEquals(pkl, e.entry());
        assertEquals(2, e.offset(), e.getMessage());
        assertTrue(e.reason().contains("opcode 0xff") && e.reason().contains("not a pickle opcode"), e.getMessage());
    }

    @Test
    void limitsAndDangerousGlobalsHaveTheirKinds() throws IOException {
        // LONG1 of 200 bytes, then STOP: over a 64-byte integer limit.
        byte[] big = new byte[2 + 1 + 200 + 1];
        big[0] = (byte) 0x80;
        big[1] = 2;
        big[2] = (byte) 0x8a;
        big[3] = (byte) 200;
        big[big.length - 1] = '.';
        Path file = tmp.resolve("long.pkl");
        Files.write(file, big);
        LoadOptions tight = new LoadOptions(false, PickleLimits.DEFAULT.withMaxIntegerBytes(64), 1L << 20);
        TorchFileException limit = fails(() -> Torch.open(file, tight));
        assertEquals(ErrorKind.LIMIT, limit.kind(), limit.getMessage());
        assertEquals(2, limit.offset());
        assertTrue(limit.getMessage().contains("PickleLimits.maxIntegerBytes"), limit.getMessage());

        TorchFileException unsafe = fails(() -> Torch.open(Fixtures.root().resolveSibling("pickle").resolve("mal_builtins_eval.pkl")));
        assertInstanceOf(UnsafePickleException.class, unsafe);
        assertEquals(ErrorKind.UNSAFE, unsafe.kind());
        assertTrue(unsafe.offset() >= 0, unsafe.getMessage());

        TorchFileException missing = fails(() -> Torch.open(tmp.resolve("absent.pt")));
        assertEquals(ErrorKind.IO, missing.kind());
    }

    @Test
    void everyFailureTypeSharesTheBase() {
        assertInstanceOf(Torch4jFailure.class, new TorchFileException("f", null, 0, "x"));
        assertEquals(ErrorKind.CORRUPT, new TorchFileException("f", null, 0, "x").kind());
        assertEquals(ErrorKind.BACKEND_UNAVAILABLE, new dev.torch4j.spi.BackendUnavailableException("x").kind());
        assertEquals("backend_unavailable", ErrorKind.BACKEND_UNAVAILABLE.id());
    }

    private interface Opening {
        Checkpoint open() throws IOException;
    }

    private static TorchFileException fails(Opening opening) throws IOException {
        try (Checkpoint c = opening.open()) {
            for (Tensor t : c.tensors().values()) t.sha256();
            return fail("opened");
        } catch (TorchFileException e) {
            return e;
        }
    }

    /** Opens and reads every tensor; the failure, or null when the bytes read. */
    private TorchFileException openFails(byte[] bytes) throws IOException {
        Path file = tmp.resolve("case.pt");
        Files.write(file, bytes);
        try (Checkpoint c = Torch.open(file)) {
            for (Tensor t : c.tensors().values()) t.sha256();
            return null;
        } catch (TorchFileException e) {
            return e;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof TorchFileException t) return t;
            throw e;
        }
    }

    /** The entries of a zip file, read by the JDK's reader (PyTorch writes stored entries with data descriptors). */
    private static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                try (java.io.InputStream in = z.getInputStream(e)) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return out;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
