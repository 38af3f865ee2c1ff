package dev.torch4j.nativelib.cli;

import dev.torch4j.nativelib.MobileBytecodeTools;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code torch4j bytecode-version FILE}: the bytecode version libtorch reads from a {@code .ptl}. */
@Command(name = "bytecode-version", mixinStandardHelpOptions = true,
    description = {"Print the bytecode version of a PyTorch Mobile (.ptl) file, read by libtorch.",
        "See README.md, \"Native backends\", for the versions each PyTorch release loads."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:printed", "1:unreadable file", "2:usage error, or libtorch / libtorch4j_mobile missing"})
public final class BytecodeVersionCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "A model saved with _save_for_lite_interpreter.")
  Path file;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Integer missing = MobileCommands.requireTools(err);
    if (missing != null) {
      return missing;
    }
    try {
      spec.commandLine().getOut().println(MobileBytecodeTools.version(file));
      return 0;
    } catch (Exception e) {
      if (!MobileCommands.isIoFailure(e)) {
        throw new IllegalStateException(e);
      }
      return MobileCommands.failed(err, e);
    }
  }
}
