package dev.torch4j.cli;

import dev.torch4j.spi.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code torch4j}: the command-line tool. Each subcommand is its own class. Every failure ends as
 * one line {@code torch4j: <message>} on stderr and the status {@link ExitCodes} gives it (2 for
 * usage and input errors, 3 when a native backend is missing); {@code --debug} adds the stack trace.
 */
@Command(name = "torch4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Read, inspect and check PyTorch model files without Python.",
        exitCodeListHeading = "%nExit status (every command):%n",
        exitCodeList = {"0:success", "1:a finding or a difference (scan: dangerous or unknown globals)",
                "2:usage error or bad input; nothing written", "3:a native backend the command needs is missing"})
public final class Main implements Runnable {
    /** Exit status for unreadable input, bad usage and internal errors. */
    static final int EXIT_ERROR = ExitCodes.BAD_INPUT;

    /** The built-in commands in the order {@code torch4j --help} lists them (see {@link #builtIn}). */
    static final List<String> COMMANDS =
            List.of("inspect", "scan", "convert", "info", "bytecode-version", "backport", "report", "diff");

    @Spec CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line with the given streams (tests call this in-process) and returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        // Buffered (unbuffered, the encoder wrapped each small write in a fresh CharBuffer: ~140 MB of
        // garbage for inspect --json of 20,000 tensors), and JSON documents can bypass the encoder.
        PrintWriter outWriter = new ByteStreamWriter(out);
        PrintWriter errWriter = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        boolean debug = Arrays.asList(args).contains("--debug");
        // The common command lines of inspect and scan, and the version, need no picocli model at all.
        Integer direct = DirectRun.version(args, outWriter);
        if (direct == null) direct = DirectRun.run(args, outWriter, errWriter, debug);
        int code = direct != null ? direct : CommandTree.run(args, outWriter, errWriter, debug);
        outWriter.flush();
        errWriter.flush();
        return code;
    }

    /** {@code torch4j} alone is a usage error: the usage goes to stderr and the status is 2. */
    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw CommandTree.usage(spec, "no command given");
    }

    /**
     * The built-in command that {@code args} runs, or null when only the whole tree can tell: the
     * command must come first, after nothing but {@code --debug} (the one global option that takes
     * no action of its own; {@code -h}, {@code -V}, {@code --} and {@code @file} need the tree).
     */
    static String namedBuiltIn(String[] args) {
        for (String arg : args) {
            if (arg.equals("--debug")) continue;
            return COMMANDS.contains(arg) ? arg : null;
        }
        return null;
    }

    /** {@code torch4j --version} (or {@code -V}, with {@code --debug} at most): no command is needed to answer it. */
    static boolean onlyVersion(String[] args) {
        boolean version = false;
        for (String arg : args) {
            if (arg.equals("-V") || arg.equals("--version")) version = true;
            else if (!arg.equals("--debug")) return false;
        }
        return version;
    }

    /** A fresh instance of the built-in command {@code name} (one of {@link #COMMANDS}). */
    static Object builtIn(String name) {
        return switch (name) {
            case "inspect" -> new InspectCommand();
            case "scan" -> new ScanCommand();
            case "convert" -> new ConvertCommand();
            case "info" -> new InfoCommand();
            case "bytecode-version" -> new BytecodeVersionCommand();
            case "backport" -> new BackportCommand();
            case "report" -> new ReportCommand();
            case "diff" -> new DiffCommand();
            default -> throw new IllegalArgumentException("not a torch4j command: " + name);
        };
    }

    /** The line {@code torch4j --version} prints (here, not in {@link Version}: DirectRun prints it without picocli). */
    static String versionLine() {
        String v = Main.class.getPackage().getImplementationVersion();
        return "torch4j " + (v != null ? v : "0.1.0-SNAPSHOT");
    }

    /** The version, from the jar manifest when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        static String number() {
            return versionLine().substring("torch4j ".length());
        }

        @Override public String[] getVersion() {
            return new String[] {versionLine()};
        }
    }
}
