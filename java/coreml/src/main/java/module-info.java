/**
 * torch4j-coreml: checks a TorchScript model's ops against what the Core ML converter supports and
 * writes Core ML NeuralNetwork (.mlmodel) files. Reads the graph through torch4j-libtorch.
 */
@SuppressWarnings("requires-automatic") // protobuf-java names itself with Automatic-Module-Name only
module dev.torch4j.coreml {
    requires dev.torch4j.libtorch;
    requires transitive dev.torch4j; // UnsupportedModelException is a dev.torch4j.Torch4jFailure
    requires com.google.protobuf;
    requires org.bytedeco.javacpp;
    requires org.bytedeco.pytorch;
    requires static info.picocli;
    // The command API (torch4j-cli) for export-coreml; optional like in torch4j-libtorch.
    requires static dev.torch4j.cli;

    exports dev.torch4j.coreml;
    opens dev.torch4j.coreml.cli to info.picocli;

    provides dev.torch4j.cli.api.CliExtension with dev.torch4j.coreml.cli.ExportCoreMlExtension;
}
