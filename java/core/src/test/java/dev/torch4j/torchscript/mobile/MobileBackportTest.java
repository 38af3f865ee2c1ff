package dev.torch4j.torchscript.mobile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.torch4j.testing.ReferencePython;
import dev.torch4j.testing.SharedFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every backport checked by PyTorch 1.13 itself (src/test/python/mobile_backport_cases.py).
 * Generated models: scripted with control flow, containers, string formatting, Optional, omitted
 * default and out arguments, tensor constants, submodules, several methods, and CNN, MLP, LSTM/GRU
 * and attention models made with optimize_for_mobile (XNNPACK prepacked contexts). Each v8 file is
 * lowered by torch4j to 7, 6, 5 and 4; PyTorch must report that version, its lite interpreter must
 * load the file and give the original module's outputs, and the operator list must equal that of
 * PyTorch's own backport. The shared corpus's real .ptl files (v5 to v8, inputs unknown) are lowered
 * to every older version and checked the same way, outputs aside.
 */
class MobileBackportTest {
    private static final Path SCRIPT = Paths.get("src/test/python/mobile_backport_cases.py").toAbsolutePath();

    @Test
    void generatedModelsLowerToEachVersionAndRunAsPyTorchDoes() throws Exception {
        ReferencePython.require("torch");
        Path dir = Files.createDirectories(Paths.get("target/mobile-backport/generated").toAbsolutePath());
        List<String> cases = ReferencePython.runScript(SCRIPT, "make", dir.toString()).lines().filter(l -> !l.isBlank()).toList();
        assertTrue(cases.size() >= 41, "cases made: " + cases);
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
        assertAllPass(ReferencePython.runScript(SCRIPT, args.toArray(String[]::new)), cases.size() * 4);
    }

    @Test
    void corpusFilesLowerToEachOlderVersionAsPyTorchDoes() throws Exception {
        ReferencePython.require("torch");
        Path corpus = SharedFolder.requireCorpus().resolve("ptl");
        Path dir = Files.createDirectories(Paths.get("target/mobile-backport/corpus").toAbsolutePath());
        List<String> args = new ArrayList<>(List.of("corpus", dir.toString()));
        int expected = 0;
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path in : files.sorted().toList()) {
                int from = MobileBackport.version(in);
                String stem = in.getFileName().toString().replaceFirst("\\.ptl$", "");
                for (int v = from - 1; v >= MobileBackport.OLDEST; v--) {
                    assertEquals(new MobileBackport.Result(from, v), MobileBackport.backport(in, dir.resolve(stem + "_v" + v + ".ptl"), v, true));
                    expected++;
                }
                args.add(in.toString());
            }
        }
        assertTrue(expected >= 20, "corpus backports: " + expected);
        assertAllPass(ReferencePython.runScript(SCRIPT, args.toArray(String[]::new)), expected);
    }

    /** Each report line is "file, version PyTorch reads, ok or FAIL reason"; the version must be the one asked for. */
    private static void assertAllPass(String report, int expected) {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String line : report.lines().toList()) {
            String[] f = line.split("\t");
            if (f.length != 3) continue;
            checked++;
            String asked = f[0].replaceAll(".*_v(\\d)\\.ptl$", "$1");
            if (!f[2].startsWith("ok") || !f[1].equals(asked)) failures.add(line);
        }
        assertEquals(expected, checked, report);
        assertTrue(failures.isEmpty(), failures.size() + " of " + checked + " backports fail in PyTorch 1.13:\n"
                + String.join("\n", failures));
    }
}
