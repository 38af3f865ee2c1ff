package dev.torch4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code torch4j}: the command-line tool. Each subcommand is its own class. */
@Command(name = "torch4j", mixinStandardHelpOptions = true, version = "torch4j 0.1.0",
        description = "Read, inspect and check PyTorch model files without Python.",
        subcommands = {})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override public void run() {
        new CommandLine(this).usage(System.out);
    }
}
