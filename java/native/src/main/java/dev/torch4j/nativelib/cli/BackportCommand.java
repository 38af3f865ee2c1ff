package dev.torch4j.nativelib.cli;

import dev.torch4j.nativelib.MobileBytecodeTools;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code torch4j backport IN.ptl OUT.ptl --to N}: lowers a mobile model's bytecode version with
 * libtorch's own backport code, so that an older lite interpreter (an app's PyTorch) loads it.
 */
@Command(name = "backport", mixinStandardHelpOptions = true,
    description = {"Rewrite a PyTorch Mobile (.ptl) file for an older bytecode version, using libtorch.",
        "  backport model.ptl model-v5.ptl --to 5",
        "See README.md, \"Native backends\", for the versions each PyTorch release loads."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:written", "1:unreadable input, or libtorch cannot lower it to that version",
        "2:usage error, or libtorch / libtorch4j_mobile missing"})
public final class BackportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IN", description = "A model saved with _save_for_lite_interpreter.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "Where to write the backported model (written atomically).")
  Path out;

  @Option(names = "--to", required = true, paramLabel = "N", description = "The bytecode version to write.")
  int version;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (version < 0) {
      err.println("torch4j: --to must be a bytecode version (0 or more), not " + version);
      return MobileCommands.EXIT_UNAVAILABLE;
    }
    if (Files.exists(out) && Files.exists(in) && in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      err.println("torch4j: the output would overwrite the input " + in);
      return MobileCommands.EXIT_UNAVAILABLE;
    }
    Integer missing = MobileCommands.requireTools(err);
    if (missing != null) {
      return missing;
    }
    try {
      int from = MobileBytecodeTools.version(in);
      AtomicOutput.write(out, tmp -> MobileBytecodeTools.backport(in, tmp, version));
      spec.commandLine().getOut().println("wrote " + out + " (bytecode v" + from + " -> v" + version + ")");
      return 0;
    } catch (Exception e) {
      if (!MobileCommands.isIoFailure(e)) {
        throw new IllegalStateException(e);
      }
      return MobileCommands.failed(err, e);
    }
  }
}
