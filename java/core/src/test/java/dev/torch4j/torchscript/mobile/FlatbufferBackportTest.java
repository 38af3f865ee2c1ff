package dev.torch4j.torchscript.mobile;

import dev.torch4j.TorchFileException;
import dev.torch4j.testing.ReferencePython;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flatbuffer mobile files (bytecode v9, written by PyTorch 1.13 with gen_flatbuffer_mobile.py)
 * backported to zip versions 8, 7, 5 and 4: PyTorch's lite interpreter reads each at the version
 * asked and every method gives the original's outputs (check_flatbuffer_backport.py); version 8
 * also loads with torch.jit.load with the module's state_dict, and its bytecode.pkl equals PyTorch's own.
 * {@code xnnpack} (optimize_for_mobile) has packed contexts whose state holds typed int lists.
 */
class FlatbufferBackportTest {
    private static final List<String> MODELS = List.of("cnn", "buffers", "shared", "methods", "attrs", "xnnpack");
    private static final int[] TARGETS = {8, 7, 5, 4};

    @TempDir static Path dir;

    @BeforeAll
    static void generate() {
        ReferencePython.require();
        ReferencePython.runScript(Paths.get("src/test/python/gen_flatbuffer_mobile.py").toAbsolutePath(), dir.toString());
    }

    @Test
    void pytorchRunsEveryBackportWithTheOriginalOutputs() throws Exception {
        List<String> cases = new ArrayList<>();
        cases.add(dir.toString());
        for (String model : MODELS) {
            Path in = dir.resolve(model + ".ff.ptl");
            assertEquals(9, MobileBackport.version(in));
            for (int v : TARGETS) {
                Path out = dir.resolve(model + ".v" + v + ".ptl");
                assertEquals(new MobileBackport.Result(9, v), MobileBackport.backport(in, out, v, false));
                cases.add(model + ":" + v);
            }
        }
        String log = ReferencePython.runScript(Paths.get("src/test/python/check_flatbuffer_backport.py").toAbsolutePath(),
                cases.toArray(new String[0]));
        assertEquals(MODELS.size() * TARGETS.length, log.lines().filter(l -> l.startsWith("ok ")).count(), log);
    }

    @Test
    void refusesVersionsItCannotWriteAndDamagedFiles(@TempDir Path tmp) throws Exception {
        Path in = dir.resolve("shared.ff.ptl");
        Path out = tmp.resolve("out.ptl");
        TorchFileException up = assertThrows(TorchFileException.class, () -> MobileBackport.backport(in, out, 9, false));
        assertTrue(up.getMessage().contains("bytecode version 9 (flatbuffer); backport writes zip versions 4 to 8"), up.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MobileBackport.backport(in, out, 3, false));
        assertFalse(Files.exists(out));
        byte[] good = Files.readAllBytes(in);
        Random rnd = new Random(3);
        Path bad = tmp.resolve("bad.ptl");
        for (int i = 0; i < 60; i++) {
            byte[] b = i % 3 == 0 ? Arrays.copyOf(good, 8 + rnd.nextInt(good.length - 8)) : good.clone();
            if (i % 3 != 0) for (int k = 0; k < 3; k++) b[8 + rnd.nextInt(b.length - 8)] = (byte) rnd.nextInt(256);
            Files.write(bad, b);
            try {
                MobileBackport.backport(bad, out, 5, true);
            } catch (TorchFileException expected) {
                assertTrue(expected.getMessage().startsWith(bad.toString()), expected.getMessage());
                assertFalse(Files.exists(out));
            }
            Files.deleteIfExists(out);
        }
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".torch4j-v8-")), "temporary v8 file left behind");
        }
    }
}
