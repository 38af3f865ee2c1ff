package dev.torch4j.torchscript.mobile;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.torch4j.TorchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupted mobile files (bytes of PyTorch 1.13's fixtures changed at random, fixed seed) either
 * backport or fail with a {@link TorchFileException} naming the file: never another exception, and
 * never an output left behind by a failure.
 */
class MobileBackportFuzzTest {
    @TempDir Path tmp;

    @Test
    void corruptedFilesFailCleanly() throws Exception {
        Random random = new Random(20261207);
        int refused = 0;
        int lowered = 0;
        for (String fixture : List.of("small_v8.ptl", "branchy_v8.ptl", "small_v5.ptl")) {
            byte[] original = Files.readAllBytes(Path.of(MobileBackportFuzzTest.class.getResource("/mobile/" + fixture).toURI()));
            // Half the rounds change bytecode.pkl itself (it starts with PROTO 2 and the version, BININT1).
            int pickle = indexOf(original, new byte[] {(byte) 0x80, 2, 'K', fixture.contains("v5") ? (byte) 5 : (byte) 8});
            assertTrue(pickle > 0, fixture);
            for (int round = 0; round < 150; round++) {
                byte[] bytes = original.clone();
                int flips = 1 + random.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    int at = round % 2 == 0 ? random.nextInt(bytes.length) : pickle + 2 + random.nextInt(Math.min(600, bytes.length - pickle - 2));
                    bytes[at] = (byte) random.nextInt(256);
                }
                String name = fixture.replace(".ptl", "") + "-" + round;
                Path in = Files.write(tmp.resolve(name + ".ptl"), bytes);
                Path out = tmp.resolve(name + "-out.ptl");
                try {
                    MobileBackport.backport(in, out, 4, false);
                    lowered++;
                } catch (TorchFileException e) {
                    assertTrue(e.getMessage().startsWith(in.toString()), e.getMessage());
                    assertTrue(!Files.exists(out), "a failed backport left " + out);
                    refused++;
                } catch (Exception | StackOverflowError e) {
                    fail(fixture + " round " + round + ": " + e, e);
                }
            }
        }
        assertTrue(refused > 0 && lowered + refused == 450, refused + " refused, " + lowered + " lowered");
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int k = 0; k < pattern.length; k++) if (data[i + k] != pattern[k]) continue outer;
            return i;
        }
        return -1;
    }
}
