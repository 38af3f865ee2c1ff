package dev.torch4j.cli;

import dev.torch4j.cli.api.ExitCodeLists;

import dev.torch4j.cli.api.Torch4jCommand;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.spi.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code torch4j bytecode-version FILE}: the mobile bytecode version of a {@code .ptl}, read by the
 * pure-Java reader from {@code bytecode.pkl} (no libtorch needed, like {@code backport}).
 */
@Command(name = "bytecode-version", mixinStandardHelpOptions = true,
        description = {"Print the bytecode version of a PyTorch Mobile (.ptl) file (pure Java).",
                "See docs/native.md for the versions each PyTorch release loads."},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {ExitCodeLists.OK, ExitCodeLists.BAD_INPUT})
final class BytecodeVersionCommand extends Torch4jCommand {
    @Parameters(paramLabel = "FILE", description = "A model saved with _save_for_lite_interpreter.")
    Path file;

    @Option(names = "--json", description = "Write JSON: {file, format, bytecode_version}.")
    boolean json;

    @Override public Integer call() throws Exception {
        long version;
        Format format;
        try (Checkpoint cp = Torch.open(file)) {
            format = cp.format();
            Object v = cp.metadata().get("mobile.bytecode_version");
            if (format != Format.MOBILE || !(v instanceof Number n)) {
                throw new TorchFileException(file.toString(), null, -1, "not a PyTorch Mobile (.ptl) file but "
                        + format.id() + (format == Format.TORCHSCRIPT ? " (torch4j export-mobile writes a .ptl from it)" : ""));
            }
            version = n.longValue();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonWriter w = new JsonWriter(out, false);
            w.beginObject();
            w.name("file").value(file.toString());
            w.name("format").value(format.id());
            w.name("bytecode_version").value(version);
            w.endObject();
            w.finish();
            out.println();
        } else {
            out.println(version);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
