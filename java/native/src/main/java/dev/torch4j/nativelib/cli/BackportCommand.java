package dev.torch4j.nativelib.cli;

import dev.torch4j.io.AtomicFile;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.nativelib.MobileBytecodeTools;
import dev.torch4j.spi.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code torch4j backport IN.ptl OUT.ptl --to N}: lowers a mobile model's bytecode version with
 * libtorch's own backport code, so that an older lite interpreter (an app's PyTorch) loads it.
 * Follows the CLI convention: an existing OUT needs {@code --force}; failures exit 2, a missing
 * libtorch 3 (see {@link ExitCodes}); the output appears atomically, named after OUT.
 */
@Command(name = "backport", mixinStandardHelpOptions = true,
    description = {"Rewrite a PyTorch Mobile (.ptl) file for an older bytecode version, using libtorch.",
        "  backport model.ptl model-v5.ptl --to 5",
        "See README.md, \"Native backends\", for the versions each PyTorch release loads."})
public final class BackportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IN", description = "A model saved with _save_for_lite_interpreter.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "Where to write the backported model (written atomically).")
  Path out;

  @Option(names = "--to", required = true, paramLabel = "N", description = "The bytecode version to write.")
  int version;

  @Option(names = "--force", description = "Replace OUT if it exists.")
  boolean force;

  @Option(names = "--json", description = "Write JSON: {file, output, from, to}.")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return backport();
    } catch (CommandLine.ParameterException e) {
      throw e;
    } catch (Exception e) {
      // The same one-line messages as the torch4j CLI's handler, also when run on its own.
      err.println("torch4j: " + message(e));
      err.flush();
      return ExitCodes.of(e);
    }
  }

  private static String message(Exception e) {
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return f.getFile() + ": " + (f.getReason() == null ? "already exists" : f.getReason()) + " (use --force to replace it)";
    }
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return n.getFile() + ": " + (n.getReason() == null ? "no such file" : n.getReason());
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getFile() + ": " + f.getReason();
    }
    return e.getMessage() == null ? "backport failed" : e.getMessage();
  }

  private int backport() throws Exception {
    if (version < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--to must be a bytecode version (0 or more), not " + version);
    }
    if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      throw new CommandLine.ParameterException(spec.commandLine(), "the output would overwrite the input " + in);
    }
    if (!java.nio.file.Files.isRegularFile(in)) {
      throw new java.nio.file.NoSuchFileException(in.toString());
    }
    MobileCommands.requireTools();
    int from = MobileBytecodeTools.version(in);
    AtomicFile.writePath(out, force, tmp -> MobileBytecodeTools.backport(in, tmp, version));
    PrintWriter stdout = spec.commandLine().getOut();
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
