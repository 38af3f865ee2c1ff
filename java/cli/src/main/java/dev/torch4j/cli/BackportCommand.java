package dev.torch4j.cli;

import dev.torch4j.cli.api.ExitCodeLists;
import dev.torch4j.cli.api.WritingCommand;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.spi.ExitCodes;
import dev.torch4j.torchscript.mobile.MobileBackport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code torch4j backport IN.ptl OUT.ptl --to N}: lowers a mobile model's bytecode version so that an
 * older lite interpreter (an app's PyTorch) loads it. The rewrite is torch4j-core's pure-Java
 * {@link MobileBackport}, not libtorch's {@code _backport_for_mobile}: libtorch's reloads the model,
 * which the bundled libtorch (no XNNPACK) cannot do for files made by {@code optimize_for_mobile}.
 * Follows the CLI convention ({@link WritingCommand}): an existing OUT needs {@code --force}; failures
 * exit 2 (see {@link ExitCodes}); the output appears atomically, named after OUT.
 */
@Command(name = "backport", mixinStandardHelpOptions = true,
        description = {"Rewrite a PyTorch Mobile (.ptl) file for an older bytecode version (8 down to 4).",
                "  backport model.ptl model-v5.ptl --to 5",
                "Pure Java (no libtorch). PyTorch 1.13 writes version 8 and reads 4 to 8; releases before 1.11 need 7 or lower.",
                "A flatbuffer .ptl (_use_flatbuffer=True, version 9) is written as a zip of version 8 or lower."},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {ExitCodeLists.OK, ExitCodeLists.BAD_INPUT})
final class BackportCommand extends WritingCommand {
    @Parameters(index = "0", paramLabel = "IN", description = "A model saved with _save_for_lite_interpreter.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Where to write the backported model (written atomically).")
    Path out;

    @Option(names = "--to", required = true, paramLabel = "N", description = "The bytecode version to write (4 to the file's).")
    int version;

    @Override
    public Integer call() throws IOException {
        if (version < MobileBackport.OLDEST) {
            throw usage("--to must be a bytecode version PyTorch reads (" + MobileBackport.OLDEST + " or more), not " + version);
        }
        checkOutput(in, out);
        if (!Files.isRegularFile(in)) {
            throw new NoSuchFileException(in.toString());
        }
        MobileBackport.Result[] result = new MobileBackport.Result[1];
        writeThroughChannel(out, channel -> result[0] = MobileBackport.backport(in, channel, version));
        int from = result[0].from();
        PrintWriter stdout = out();
        if (json) {
            JsonWriter w = new JsonWriter(stdout, false);
            w.beginObject();
            w.name("file").value(in.toString());
            w.name("output").value(out.toString());
            w.name("from").value(from);
            w.name("to").value(version);
            w.endObject();
            w.finish();
            stdout.println();
        } else {
            stdout.println("wrote " + out + " (bytecode v" + from + " -> v" + version + ")");
        }
        stdout.flush();
        return ExitCodes.OK;
    }
}
