package dev.torch4j.cli;

import dev.torch4j.cli.api.CliExtension;
import dev.torch4j.cli.api.ErrorHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * picocli's side of {@code torch4j}: the command tree and the run of any command line that
 * {@link DirectRun} leaves to it. Kept out of {@link Main} so that the direct path loads no picocli
 * class at all (the JVM resolves the types in Main's signatures and exception handlers when it starts it).
 */
public final class CommandTree {
    private CommandTree() {}

    /** Runs {@code args} through picocli: the named built-in command alone, or the whole tree. */
    static int run(String[] args, PrintWriter outWriter, PrintWriter errWriter, boolean debug) {
        CommandLine cl = new CommandLine(new Main());
        String named = Main.namedBuiltIn(args);
        if (named != null) {
            // Only the named command: picocli builds each command's model by reflection, and the
            // whole tree cost ~0.1 s of CPU per cold start. Help, errors and exit codes are the same.
            cl.addSubcommand(Main.builtIn(named));
        } else if (!Main.onlyVersion(args)) {
            // Help, no command, unknown or extension commands: the whole tree, so the list and
            // picocli's suggestions name every command.
            for (String name : Main.COMMANDS) cl.addSubcommand(Main.builtIn(name));
            addExtensions(cl, errWriter);
        }
        cl.setOut(outWriter).setErr(errWriter);
        // The one error handler of every command, built-in or from a module.
        ErrorHandler.install(cl, debug);
        return cl.execute(args);
    }

    /** Every command on this class path: built-ins, extensions, placeholders (exit 3) of absent modules. */
    public static CommandLine whole(PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        for (String name : Main.COMMANDS) cl.addSubcommand(Main.builtIn(name));
        addExtensions(cl, err);
        return cl;
    }

    /** A usage error of the command {@code spec} describes. */
    static RuntimeException usage(CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * Subcommands from optional modules on the class path (torch4j-libtorch adds run and export-mobile,
     * torch4j-coreml export-coreml); a command of the product whose module is
     * absent answers with exit 3 and what to install ({@link MissingModuleCommand}).
     */
    static void addExtensions(CommandLine cl, PrintWriter err) {
        Map<String, Object> found = new LinkedHashMap<>();
        try {
            for (CliExtension ext : ServiceLoader.load(CliExtension.class)) {
                Object command = ext.command();
                found.put(nameOf(command), command);
            }
        } catch (ServiceConfigurationError | LinkageError | CommandLine.InitializationException e) {
            err.println("torch4j: warning: an optional command could not be added: " + e.getMessage());
        }
        // The product's commands in one order whatever the class path's order; absent ones answer exit 3.
        for (MissingModuleCommand known : MissingModuleCommand.ALL) {
            Object command = found.remove(known.name());
            if (command != null) cl.addSubcommand(known.name(), command);
            else cl.addSubcommand(known.name(), known.spec());
        }
        for (Map.Entry<String, Object> other : found.entrySet()) cl.addSubcommand(other.getKey(), other.getValue());
    }

    /** The name a command class declares (read without building picocli's model of it). */
    private static String nameOf(Object command) {
        Command c = command.getClass().getAnnotation(Command.class);
        return c != null && !c.name().equals("<main class>") ? c.name() : new CommandLine(command).getCommandName();
    }
}
