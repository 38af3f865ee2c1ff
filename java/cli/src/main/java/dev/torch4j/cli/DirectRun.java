package dev.torch4j.cli;

import dev.torch4j.cli.api.ErrorHandler;
import dev.torch4j.cli.api.Torch4jCommand;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The common command lines of {@code inspect} and {@code scan}, parsed and run without picocli.
 * Building picocli's model of even one command (its start-up registers converters and reads resource
 * bundles, then reflects over the annotations; ~190 classes compiled for Java 5, which the class-data
 * archive cannot hold) took about half of a cold {@code inspect} of a small file.
 *
 * <p>Only plainly valid command lines are run here: options spelled out in full, each at most once
 * (except the repeatable {@code --allow}), values that cannot be taken for options, the right number of
 * operands. Everything else (help, {@code --version} with a command, unknown or repeated options,
 * {@code --}, {@code @file}, empty arguments, paths the file system rejects) returns null and goes to
 * picocli, which words the usage error, so no message or status can differ. Failures of the command
 * itself go through the same {@link ErrorHandler}. {@code DirectRunTest} runs command lines both ways.
 */
final class DirectRun {
    private DirectRun() {}

    /** What one command accepts here: its picocli options less help and version ({@code DirectRunTest} checks them). */
    record Grammar(Set<String> flags, Set<String> valued, Set<String> repeatable, int minOperands, int maxOperands) {}

    static final Grammar INSPECT = new Grammar(Set.of("--json", "--hash", "--torch-tensors-only"),
            Set.of("--max-hash-bytes"), Set.of(), 1, 1);
    static final Grammar SCAN = new Grammar(Set.of("--json", "--strict"), Set.of("--sarif", "--policy"),
            Set.of("--allow"), 1, Integer.MAX_VALUE);

    /** One command line as this parser read it. */
    static final class Line {
        final Set<String> flags = new HashSet<>();
        final Map<String, List<String>> values = new HashMap<>();
        final List<String> operands = new ArrayList<>();

        String value(String option) {
            List<String> v = values.get(option);
            return v == null ? null : v.get(0);
        }

        Path path(String option) {
            String v = value(option);
            return v == null ? null : Path.of(v);
        }
    }

    /** The version line alone ({@code --version} or {@code -V}, {@code --debug} at most), as picocli prints it. */
    static Integer version(String[] args, PrintWriter out) {
        boolean plain = args.length == 1 || args.length == 2 && (args[0].equals("--debug") ^ args[1].equals("--debug"));
        if (!plain || !Main.onlyVersion(args)) return null;
        out.println(Main.versionLine());
        return dev.torch4j.spi.ExitCodes.OK;
    }

    /** Runs {@code args} when it is a plain command line of a command listed here; else null (use picocli). */
    static Integer run(String[] args, PrintWriter out, PrintWriter err, boolean debug) {
        int i = args.length > 0 && args[0].equals("--debug") ? 1 : 0;
        if (i >= args.length) return null;
        String name = args[i];
        Grammar grammar = switch (name) {
            case "inspect" -> INSPECT;
            case "scan" -> SCAN;
            default -> null;
        };
        if (grammar == null) return null;
        Line line = parse(grammar, args, i + 1, i == 1);
        if (line == null) return null;
        Torch4jCommand command;
        try {
            command = name.equals("inspect") ? inspect(line) : scan(line);
        } catch (InvalidPathException e) {
            return null; // picocli's converter reports it
        }
        command.useStreams(out, err);
        try {
            return command.call();
        } catch (Exception e) {
            return ErrorHandler.reportDirect(err, e, debug);
        }
    }

    /** The options and operands of {@code args[from..]}, or null when picocli should read them. */
    static Line parse(Grammar grammar, String[] args, int from, boolean debugSeen) {
        Line line = new Line();
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (arg.isEmpty() || arg.charAt(0) == '@') return null;
            if (arg.charAt(0) != '-') {
                line.operands.add(arg);
                continue;
            }
            if (arg.equals("--debug")) { // the global option, inherited by every command
                if (debugSeen) return null;
                debugSeen = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String option = eq < 0 ? arg : arg.substring(0, eq);
            boolean single = grammar.valued().contains(option);
            if (grammar.flags().contains(option)) {
                if (eq >= 0 || !line.flags.add(option)) return null;
            } else if (single || grammar.repeatable().contains(option)) {
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else {
                    if (++i >= args.length) return null;
                    value = args[i];
                }
                if (value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '@') return null;
                List<String> values = line.values.get(option);
                if (values == null) line.values.put(option, values = new ArrayList<>());
                else if (single) return null;
                values.add(value);
            } else {
                return null;
            }
        }
        int n = line.operands.size();
        return n >= grammar.minOperands() && n <= grammar.maxOperands() ? line : null;
    }

    private static InspectCommand inspect(Line line) {
        InspectCommand c = new InspectCommand();
        c.file = Path.of(line.operands.get(0));
        c.json = line.flags.contains("--json");
        c.hash = line.flags.contains("--hash");
        c.torchTensorsOnly = line.flags.contains("--torch-tensors-only");
        String max = line.value("--max-hash-bytes");
        c.maxHashBytes = max != null ? max : InspectCommand.DEFAULT_MAX_HASH_BYTES;
        return c;
    }

    private static ScanCommand scan(Line line) {
        ScanCommand c = new ScanCommand();
        c.paths = new ArrayList<>();
        for (String p : line.operands) c.paths.add(Path.of(p));
        c.json = line.flags.contains("--json");
        c.strict = line.flags.contains("--strict");
        c.sarif = line.path("--sarif");
        c.policy = line.path("--policy");
        List<String> allow = line.values.get("--allow");
        if (allow != null) c.allow.addAll(allow);
        return c;
    }
}
