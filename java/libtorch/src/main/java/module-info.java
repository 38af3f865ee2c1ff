/**
 * torch4j-libtorch: libtorch through JavaCPP. Runs TorchScript, hands torch4j tensors over without
 * copies, and exports mobile (.ptl) files. Optional: torch4j works without it.
 */
module dev.torch4j.libtorch {
    requires transitive dev.torch4j;
    requires org.bytedeco.javacpp;
    requires transitive org.bytedeco.pytorch;
    requires static info.picocli;
    // The command API (torch4j-cli) for the commands this module adds; optional like picocli.
    requires static dev.torch4j.cli;

    exports dev.torch4j.libtorch;
    exports dev.torch4j.libtorch.lite;
    opens dev.torch4j.libtorch.cli to info.picocli;

    provides dev.torch4j.spi.NativeBackend with dev.torch4j.libtorch.spi.LibtorchNativeBackend;
    provides dev.torch4j.cli.api.CliExtension with dev.torch4j.libtorch.spi.ExportMobileExtension,
            dev.torch4j.libtorch.spi.RunExtension;
}
