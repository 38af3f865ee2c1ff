package dev.torch4j.nativelib.cli;

import dev.torch4j.cli.api.ExitCodeLists;
import dev.torch4j.cli.api.WritingCommand;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.nativelib.MobileBytecodeTools;
import dev.torch4j.spi.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code torch4j backport IN.ptl OUT.ptl --to N}: lowers a mobile model's bytecode version with
 * libtorch's own backport code, so that an older lite interpreter (an app's PyTorch) loads it.
 * Follows the CLI convention ({@link WritingCommand}): an existing OUT needs {@code --force}; failures
 * exit 2, a missing libtorch 3 (see {@link ExitCodes}); the output appears atomically, named after OUT.
 */
@Command(name = "backport", mixinStandardHelpOptions = true,
    description = {"Rewrite a PyTorch Mobile (.ptl) file for an older bytecode version, using libtorch.",
        "  backport model.ptl model-v5.ptl --to 5",
        "See docs/libtorch.md for the versions each PyTorch release loads."},
    exitCodeListHeading = ExitCodeLists.HEADING,
    exitCodeList = {ExitCodeLists.OK, ExitCodeLists.BAD_INPUT, ExitCodeLists.BACKEND_MISSING})
public final class BackportCommand extends WritingCommand {
  @Parameters(index = "0", paramLabel = "IN", description = "A model saved with _save_for_lite_interpreter.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "Where to write the backported model (written atomically).")
  Path out;

  @Option(names = "--to", required = true, paramLabel = "N", description = "The bytecode version to write.")
  int version;

  @Override
  public Integer call() throws IOException {
    if (version < 0) {
      throw usage("--to must be a bytecode version (0 or more), not " + version);
    }
    checkOutput(in, out);
    if (!Files.isRegularFile(in)) {
      throw new NoSuchFileException(in.toString());
    }
    MobileCommands.requireTools();
    MobileFiles.requireMobileFile(in);
    int from = MobileFiles.namingFile(in, () -> MobileBytecodeTools.version(in));
    writeByPath(out, tmp -> MobileFiles.namingFile(in, () -> {
      MobileBytecodeTools.backport(in, tmp, version);
      return null;
    }));
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
