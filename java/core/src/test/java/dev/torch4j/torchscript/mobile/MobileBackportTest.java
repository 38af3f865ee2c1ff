package dev.torch4j.torchscript.mobile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.torch4j.testing.ReferencePython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every backport checked by PyTorch 1.13 itself (src/test/python/mobile_backport_cases.py): models
 * scripted with control flow, containers, string formatting, Optional, omitted default and out
 * arguments, tensor constants, submodules, several methods, and CNN, MLP and LSTM/GRU models made
 * with optimize_for_mobile (XNNPACK prepacked contexts). Each v8 file is lowered by torch4j to 7, 6,
 * 5 and 4; PyTorch must report that version, its lite interpreter must load the file and give the
 * original module's outputs, and the operator list must equal that of PyTorch's own backport.
 */
class MobileBackportTest {
    private static final Path SCRIPT = Paths.get("src/test/python/mobile_backport_cases.py").toAbsolutePath();

    @Test
    void everyCaseLowersToEachVersionAsPyTorchDoes() throws Exception {
        ReferencePython.require("torch");
        Path dir = Paths.get("target/mobile-backport").toAbsolutePath();
        Files.createDirectories(dir);
        List<String> cases = ReferencePython.runScript(SCRIPT, "make", dir.toString()).lines().filter(l -> !l.isBlank()).toList();
        assertTrue(cases.size() >= 20, "cases made: " + cases);
        for (String name : cases) {
            Path in = dir.resolve(name + ".ptl");
            assertEquals(8, MobileBackport.version(in), name);
            for (int v = 7; v >= MobileBackport.OLDEST; v--) {
                MobileBackport.Result r = MobileBackport.backport(in, dir.resolve(name + "_v" + v + ".ptl"), v, true);
                assertEquals(new MobileBackport.Result(8, v), r);
            }
        }
        List<String> args = new ArrayList<>(List.of("check", dir.toString()));
        args.addAll(cases);
        String report = ReferencePython.runScript(SCRIPT, args.toArray(String[]::new));
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String line : report.lines().toList()) {
            String[] f = line.split("\t");
            if (f.length != 3) continue;
            checked++;
            String expectedVersion = f[0].replaceAll(".*_v(\\d)\\.ptl$", "$1");
            if (!f[2].startsWith("ok") || !f[1].equals(expectedVersion)) failures.add(line);
        }
        assertEquals(cases.size() * 4, checked, report);
        assertTrue(failures.isEmpty(), failures.size() + " of " + checked + " backports fail in PyTorch 1.13:\n"
                + String.join("\n", failures));
    }
}
