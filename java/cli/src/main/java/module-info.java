/** The {@code torch4j} command line: commands only; the work is done by the core library. */
module dev.torch4j.cli {
    // The command API (dev.torch4j.cli.api) speaks picocli's and core's types.
    requires transitive dev.torch4j;
    requires transitive info.picocli;

    // The command API of every module's commands (run, export-mobile, export-coreml...).
    exports dev.torch4j.cli.api;

    // picocli reflects over the command classes (and their bases) to bind options.
    opens dev.torch4j.cli to info.picocli;
    opens dev.torch4j.cli.api to info.picocli;

    uses dev.torch4j.cli.api.CliExtension;
    uses dev.torch4j.spi.NativeBackend;
}
