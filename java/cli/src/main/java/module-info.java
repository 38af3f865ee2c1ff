/** The {@code torch4j} command line: commands only; the work is done by the core library. */
module dev.torch4j.cli {
    requires dev.torch4j;
    requires info.picocli;

    // picocli reflects over the command classes to bind options.
    opens dev.torch4j.cli to info.picocli;

    uses dev.torch4j.spi.CliExtension;
    uses dev.torch4j.spi.NativeBackend;
}
