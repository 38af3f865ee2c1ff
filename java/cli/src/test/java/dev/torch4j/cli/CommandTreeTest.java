package dev.torch4j.cli;

import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Main builds only the command that argv names; help, errors and exit codes must not notice. A
 * command line read from an {@code @file} always takes the whole tree, so it is the reference here.
 */
class CommandTreeTest {
    @TempDir Path dir;

    @Test void everyBuiltInIsConstructedUnderItsOwnName() {
        for (String name : Main.COMMANDS) {
            assertEquals(name, new CommandLine(Main.builtIn(name)).getCommandName());
        }
    }

    @Test void helpListsEveryCommandInOrder() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exit(), r::toString);
        int at = 0;
        for (String name : List.of("inspect", "scan", "convert", "info", "bytecode-version", "report", "diff")) {
            int next = r.out().indexOf("\n  " + name + " ", at);
            assertTrue(next > at, () -> name + " missing or out of order in\n" + r.out());
            at = next;
        }
    }

    @Test void onlyAFirstBuiltInNameSelectsOneCommand() {
        assertEquals("inspect", Main.namedBuiltIn(new String[] {"inspect", "x.pt"}));
        assertEquals("scan", Main.namedBuiltIn(new String[] {"--debug", "scan", "x.pt"}));
        assertEquals("bytecode-version", Main.namedBuiltIn(new String[] {"bytecode-version"}));
        assertNull(Main.namedBuiltIn(new String[] {}));
        assertNull(Main.namedBuiltIn(new String[] {"-h", "inspect"}));
        assertNull(Main.namedBuiltIn(new String[] {"--version"}));
        assertNull(Main.namedBuiltIn(new String[] {"--", "inspect"}));
        assertNull(Main.namedBuiltIn(new String[] {"@args.txt"}));
        assertNull(Main.namedBuiltIn(new String[] {"inspct", "x.pt"}));
        assertNull(Main.namedBuiltIn(new String[] {"export-mobile", "x.pt"}));
        assertNull(Main.namedBuiltIn(new String[] {"x.pt", "inspect"}));
    }

    @Test void onlyAVersionRequestSkipsTheCommands() {
        assertTrue(Main.onlyVersion(new String[] {"--version"}));
        assertTrue(Main.onlyVersion(new String[] {"-V", "--debug"}));
        assertFalse(Main.onlyVersion(new String[] {}));
        assertFalse(Main.onlyVersion(new String[] {"--debug"}));
        assertFalse(Main.onlyVersion(new String[] {"-hV"}));
        assertFalse(Main.onlyVersion(new String[] {"--version", "inspect"}));
    }

    @Test void oneCommandAndTheWholeTreeSayTheSame() throws IOException {
        String mlp = Fixtures.file("zip/mlp_state_dict.pt").toString();
        String missing = dir.resolve("missing.pt").toString();
        for (List<String> args : List.of(List.of("--version"), List.of("-V"), List.of("inspect", "--help"), List.of("convert", "--help"),
                List.of("inspect", "--nope", mlp), List.of("inspect"), List.of("diff", mlp),
                List.of("inspect", "--json", mlp), List.of("inspect", missing), List.of("scan", "--json", mlp))) {
            Path argFile = dir.resolve("args.txt");
            Files.write(argFile, args, StandardCharsets.UTF_8);
            CliRun one = CliRun.of(args.toArray(String[]::new));
            CliRun whole = CliRun.of("@" + argFile);
            assertEquals(whole, one, () -> String.join(" ", args));
        }
    }

    /** Without libtorch on the class path the native commands are still known: exit 3 and what to install. */
    @Test void commandsOfAbsentModulesExitThreeSayingWhatToInstall() {
        for (List<String> args : List.of(List.of("run", "model.pt", "--input", "x.npy", "-o", "y.npy"),
                List.of("export-mobile", "m.pt", "m.ptl"), List.of("export-coreml", "m.pt", "m.mlmodel"))) {
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(3, r.exit(), r::toString);
            assertTrue(r.err().startsWith("torch4j: " + args.get(0) + " needs "), r::toString);
            assertTrue(r.err().contains("platform distribution"), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
        }
        CliRun help = CliRun.of("--help");
        assertTrue(help.out().contains("\n  run ") && help.out().contains("\n  export-coreml "), help::toString);
        // backport is pure Java (torch4j-core): it runs here and answers a missing input as any command does.
        CliRun backport = CliRun.of("backport", "in.ptl", "out.ptl", "--to", "5");
        assertEquals(2, backport.exit(), backport::toString);
        assertEquals("torch4j: in.ptl: no such file", backport.err().strip(), backport::toString);
    }

    @Test void helpOfACommandNamesItUnderTorch4j() {
        CliRun r = CliRun.of("inspect", "--help");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("Usage: torch4j inspect "), r::toString);
    }

    @Test void trainingRunsEveryStepWithItsExpectedStatus() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int code = CdsTraining.train(Fixtures.file("zip/mlp_state_dict.pt").toString(),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(0, code, () -> log.toString(StandardCharsets.UTF_8));
    }

    /** As in the distribution: the sample beside a training/ folder of more formats, which the training scans. */
    @Test void trainingScansTheDistributionsOtherFormats() throws IOException {
        Path sample = dir.resolve("sample");
        for (String f : List.of("torchscript/scripted.pt", "mobile/scripted.ptl", "legacy/mlp_state_dict.pt", "pickle/numpy_arrays.pkl")) {
            Path to = sample.resolve("training").resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(Fixtures.file(f), to);
        }
        Path pt = Files.copy(Fixtures.file("zip/mlp_state_dict.pt"), sample.resolve("mlp_state_dict.pt"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(0, CdsTraining.train(pt.toString(), new PrintStream(log, true, StandardCharsets.UTF_8)),
                () -> log.toString(StandardCharsets.UTF_8));
        // What the training's scan of that folder sees: every format read, none unreadable.
        CliRun r = CliRun.of("scan", sample.resolve("training").toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().endsWith("4 files scanned: 0 dangerous, 0 unknown, 0 unreadable, 4 clean\n"), r::toString);
    }
}
