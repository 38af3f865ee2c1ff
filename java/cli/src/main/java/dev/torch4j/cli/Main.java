package dev.torch4j.cli;

import dev.torch4j.spi.CliExtension;
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
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * {@code torch4j}: the command-line tool. Each subcommand is its own class. Every failure ends as
 * one line {@code torch4j: <message>} on stderr and the status {@link ExitCodes} gives it (2 for
 * usage and input errors, 3 when a native backend is missing); {@code --debug} adds the stack trace.
 */
@Command(name = "torch4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Read, inspect and check PyTorch model files without Python.",
        subcommands = {InspectCommand.class, ScanCommand.class, ConvertCommand.class, InfoCommand.class,
                BytecodeVersionCommand.class, ReportCommand.class, DiffCommand.class},
        exitCodeListHeading = "%nExit status (every command):%n",
        exitCodeList = {"0:success", "1:a finding or a difference (scan: dangerous globals)",
                "2:usage error or bad input; nothing written", "3:a native backend the command needs is missing"})
public final class Main implements Runnable {
    /** Exit status for unreadable input, bad usage and internal errors. */
    static final int EXIT_ERROR = ExitCodes.BAD_INPUT;

    @Spec CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line with the given streams (tests call this in-process) and returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        // The buffer batches JSON's many small writes: unbuffered, the encoder wrapped each one in a
        // fresh CharBuffer (~140 MB of garbage for inspect --json of 20,000 tensors). println flushes it.
        PrintWriter outWriter = new PrintWriter(new java.io.BufferedWriter(
                new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16), true);
        PrintWriter errWriter = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        boolean debug = Arrays.asList(args).contains("--debug");
        CommandLine cl = new CommandLine(new Main());
        addExtensions(cl, errWriter);
        cl.setOut(outWriter).setErr(errWriter);
        cl.setParameterExceptionHandler((ex, ignored) -> {
            errWriter.println("torch4j: " + ex.getMessage() + " (see 'torch4j --help')");
            if (debug) ex.printStackTrace(errWriter);
            errWriter.flush();
            return EXIT_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            errWriter.println("torch4j: " + Errors.message(ex));
            if (debug) ex.printStackTrace(errWriter);
            errWriter.flush();
            return ExitCodes.of(ex);
        });
        int code = cl.execute(args);
        outWriter.flush();
        errWriter.flush();
        return code;
    }

    /** {@code torch4j} alone is a usage error: the usage goes to stderr and the status is 2. */
    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
    }

    /** Subcommands from optional modules on the class path (torch4j-libtorch adds export-mobile). */
    private static void addExtensions(CommandLine cl, PrintWriter err) {
        try {
            for (CliExtension ext : ServiceLoader.load(CliExtension.class)) {
                cl.addSubcommand(ext.command());
            }
        } catch (ServiceConfigurationError | LinkageError | CommandLine.InitializationException e) {
            err.println("torch4j: warning: an optional command could not be added: " + e.getMessage());
        }
    }

    /** The version, from the jar manifest when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        static String number() {
            String v = Main.class.getPackage().getImplementationVersion();
            return v != null ? v : "0.1.0-SNAPSHOT";
        }

        @Override public String[] getVersion() {
            return new String[] {"torch4j " + number()};
        }
    }
}
