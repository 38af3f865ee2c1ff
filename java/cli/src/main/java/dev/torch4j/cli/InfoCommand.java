package dev.torch4j.cli;

import dev.torch4j.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.stream.Collectors;

/** {@code torch4j info}: versions and what this build can do. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the torch4j and Java versions and the available backends.")
final class InfoCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("torch4j   " + Main.Version.number());
        out.println("java      " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        out.println("os        " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        out.println("backends  pure-java (available; no native code, no Python)");
        out.println("formats   " + Arrays.stream(Format.values()).map(Format::id).collect(Collectors.joining(", ")));
        out.flush();
    }
}
