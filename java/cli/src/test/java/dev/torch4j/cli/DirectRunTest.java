package dev.torch4j.cli;

import dev.torch4j.convert.ByteSize;
import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * inspect and scan command lines that DirectRun runs without picocli must end exactly as picocli's
 * run of them: the reference is the same command line read from an {@code @file}, which always goes
 * to picocli's whole tree. Everything DirectRun does not take must go to picocli untouched.
 */
class DirectRunTest {
    @TempDir Path dir;

    private CliRun throughPicocli(List<String> args) throws IOException {
        Path argFile = dir.resolve("args.txt");
        Files.write(argFile, args, StandardCharsets.UTF_8);
        return CliRun.of("@" + argFile);
    }

    private void sameBothWays(List<String> args) throws IOException {
        String[] argv = args.toArray(String[]::new);
        int from = args.get(0).equals("--debug") ? 2 : 1;
        DirectRun.Grammar grammar = args.get(from - 1).equals("inspect") ? DirectRun.INSPECT : DirectRun.SCAN;
        assertNotNull(DirectRun.parse(grammar, argv, from, from == 2), () -> "DirectRun should take " + args);
        CliRun direct = CliRun.of(argv);
        CliRun picocli = throughPicocli(args);
        assertEquals(picocli, direct, () -> String.join(" ", args));
    }

    @Test void inspectCommandLinesEndAsPicocliEndsThem() throws IOException {
        String mlp = Fixtures.file("zip/mlp_state_dict.pt").toString();
        String nested = Fixtures.file("zip/nested.pt").toString();
        String missing = dir.resolve("missing.pt").toString();
        Path garbage = dir.resolve("garbage.pt");
        Files.write(garbage, new byte[] {'P', 'K', 3, 4, 0, 0, 0});
        for (List<String> args : List.of(
                List.of("inspect", mlp), List.of("inspect", "--json", mlp), List.of("inspect", mlp, "--json"),
                List.of("inspect", "--json", "--hash", mlp), List.of("inspect", "--hash", "--max-hash-bytes", "1KiB", mlp),
                List.of("inspect", "--hash", "--max-hash-bytes=10", "--json", mlp),
                List.of("inspect", "--max-hash-bytes", "lots", mlp), // usage error thrown by the command
                List.of("inspect", "--torch-tensors-only", "--json", nested), List.of("--debug", "inspect", mlp),
                List.of("inspect", "--debug", "--json", mlp), List.of("inspect", missing), List.of("inspect", "--json", missing),
                List.of("inspect", garbage.toString()), List.of("inspect", dir.toString()))) {
            sameBothWays(args);
        }
    }

    @Test void scanCommandLinesEndAsPicocliEndsThem() throws IOException {
        String mlp = Fixtures.file("zip/mlp_state_dict.pt").toString();
        String evil = Fixtures.file("malicious/reduce_system.pkl").toString();
        String whole = Fixtures.file("zip/whole_module.pt").toString();
        Path policy = dir.resolve("trusted.txt");
        Files.writeString(policy, "# the team's own models\ntorch.nn\n");
        Path badPolicy = dir.resolve("bad.txt");
        Files.writeString(badPolicy, "not a name\n");
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.copy(Fixtures.file("zip/mlp_state_dict.pt"), tree.resolve("a.pt"));
        Files.copy(Fixtures.file("malicious/stack_global.pkl"), tree.resolve("b.pkl"));
        String sarif = dir.resolve("out.sarif").toString();
        for (List<String> args : List.of(
                List.of("scan", mlp), List.of("scan", "--json", mlp, evil), List.of("scan", mlp, "--json", evil),
                List.of("scan", whole), List.of("scan", "--allow", "torch.nn", whole),
                List.of("scan", "--allow=torch.nn", "--allow", "collections", "--json", whole),
                List.of("scan", "--policy", policy.toString(), whole), List.of("scan", "--policy", badPolicy.toString(), whole),
                List.of("scan", "--allow", "torch..nn", whole), List.of("scan", "--strict", mlp),
                List.of("scan", tree.toString()), List.of("scan", "--json", tree.toString(), mlp),
                List.of("scan", dir.resolve("missing").toString()), List.of("--debug", "scan", evil))) {
            sameBothWays(args);
        }
        List<String> withSarif = List.of("scan", "--sarif", sarif, evil, mlp);
        CliRun direct = CliRun.of(withSarif.toArray(String[]::new));
        String directReport = Files.readString(Path.of(sarif));
        assertEquals(throughPicocli(withSarif), direct);
        assertEquals(Files.readString(Path.of(sarif)), directReport);
        assertTrue(directReport.contains("reduce_system.pkl"), directReport);
    }

    @Test void theVersionLineIsPicocliLine() throws IOException {
        for (List<String> args : List.of(List.of("--version"), List.of("-V"), List.of("--debug", "-V"), List.of("--version", "--debug"))) {
            assertNotNull(DirectRun.version(args.toArray(String[]::new), new java.io.PrintWriter(java.io.Writer.nullWriter())));
            CliRun direct = CliRun.of(args.toArray(String[]::new));
            assertEquals(throughPicocli(args), direct);
            assertEquals("torch4j " + Main.Version.number() + "\n", direct.out());
        }
        assertNull(DirectRun.version(new String[] {"-V", "--version"}, null));
        assertNull(DirectRun.version(new String[] {"--debug", "--debug"}, null));
        assertNull(DirectRun.version(new String[] {"-V", "inspect"}, null));
    }

    /** What picocli must word (usage errors, help) or expand is never taken. */
    @Test void everythingElseIsLeftToPicocli() {
        for (String[] args : new String[][] {
                {"inspect"}, {"inspect", "a.pt", "b.pt"}, {"inspect", "--json", "--json", "a.pt"}, {"inspect", "-h", "a.pt"},
                {"inspect", "--help"}, {"inspect", "-V", "a.pt"}, {"inspect", "--json=true", "a.pt"}, {"inspect", "--", "a.pt"},
                {"inspect", "@args"}, {"inspect", ""}, {"inspect", "-"}, {"inspect", "--nope", "a.pt"}, {"inspect", "--js", "a.pt"},
                {"inspect", "--max-hash-bytes", "a.pt"}, {"inspect", "a.pt", "--max-hash-bytes"},
                {"inspect", "--max-hash-bytes", "1", "--max-hash-bytes", "2", "a.pt"}, {"inspect", "--max-hash-bytes=", "a.pt"},
                {"inspect", "--max-hash-bytes", "-1", "a.pt"}, {"inspect", "--debug", "--debug", "a.pt"},
                {"scan"}, {"scan", "--allow", "a.pt"}, {"scan", "--allow", "--json", "a.pt"}, {"scan", "--sarif", "x", "--sarif", "y", "a.pt"},
                {"scan", "--json", "--json", "a.pt"}, {"scan", "--strict=false", "a.pt"}, {"scan", "-x", "a.pt"}}) {
            DirectRun.Grammar grammar = args[0].equals("inspect") ? DirectRun.INSPECT : DirectRun.SCAN;
            assertNull(DirectRun.parse(grammar, args, 1, false), () -> String.join(" ", args));
        }
        // A leading --debug counts: a second one is picocli's to judge.
        assertNull(DirectRun.parse(DirectRun.INSPECT, new String[] {"--debug", "inspect", "--debug", "a.pt"}, 2, true));
        for (String[] args : new String[][] {{"convert", "a.pt", "b.safetensors"}, {"info"}, {"diff", "a", "b"}, {"inspct", "a.pt"},
                {"-h"}, {"--help"}, {}, {"--debug"}, {"run", "m.pt"}}) {
            assertNull(DirectRun.run(args, null, null, false), () -> String.join(" ", args));
        }
        // A path the file system cannot name is picocli's conversion error.
        CliRun r = CliRun.of("inspect", "a\0b.pt");
        assertEquals(2, r.exit(), r::toString);
    }

    @Test void plainCommandLinesAreReadInFull() {
        DirectRun.Line line = DirectRun.parse(DirectRun.SCAN,
                new String[] {"scan", "a", "--allow", "x", "b", "--allow=y", "--json", "--sarif=r.sarif", "--policy", "p.txt", "c"}, 1, false);
        assertNotNull(line);
        assertEquals(List.of("a", "b", "c"), line.operands);
        assertEquals(List.of("x", "y"), line.values.get("--allow"));
        assertEquals(Set.of("--json"), line.flags);
        assertEquals(Path.of("r.sarif"), line.path("--sarif"));
        assertEquals(Path.of("p.txt"), line.path("--policy"));
    }

    @Test void theDefaultHashLimitIsWhatByteSizeReads() {
        assertEquals(ByteSize.parse(InspectCommand.DEFAULT_MAX_HASH_BYTES), InspectCommand.DEFAULT_MAX_HASH_LIMIT);
    }

    /**
     * The grammars name every option of the picocli model (less help and version), with the same arity:
     * an option added to inspect or scan must be added here too, or DirectRun would run without it
     * and with a different default.
     */
    @Test void grammarsMatchPicocliModels() {
        check(new InspectCommand(), DirectRun.INSPECT);
        check(new ScanCommand(), DirectRun.SCAN);
    }

    private static void check(Object command, DirectRun.Grammar grammar) {
        CommandSpec spec = new CommandLine(command).getCommandSpec();
        Set<String> flags = new TreeSet<>();
        Set<String> valued = new TreeSet<>();
        Set<String> repeatable = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp()) continue;
            String[] names = o.names();
            assertEquals(1, names.length, () -> "one name per option: " + String.join(",", names));
            if (o.arity().max() == 0) flags.add(names[0]);
            else if (o.isMultiValue()) repeatable.add(names[0]);
            else valued.add(names[0]);
            if (o.arity().max() > 0) assertEquals(1, o.arity().min(), names[0]);
        }
        assertEquals(new TreeSet<>(grammar.flags()), flags, spec.name());
        assertEquals(new TreeSet<>(grammar.valued()), valued, spec.name());
        assertEquals(new TreeSet<>(grammar.repeatable()), repeatable, spec.name());
        List<Integer> arity = new ArrayList<>();
        spec.positionalParameters().forEach(p -> {
            arity.add(p.arity().min());
            arity.add(p.arity().max());
        });
        assertArrayEquals(new Object[] {grammar.minOperands(), grammar.maxOperands()}, arity.toArray(), spec.name());
    }
}
