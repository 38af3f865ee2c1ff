package dev.torch4j.libtorch.cli;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.libtorch.LibtorchBackend;
import dev.torch4j.libtorch.LibtorchException;
import dev.torch4j.libtorch.LibtorchUnavailableException;
import dev.torch4j.libtorch.MatchReport;
import dev.torch4j.libtorch.MobileExporter;
import dev.torch4j.libtorch.ScriptModel;
import dev.torch4j.libtorch.StateDictMismatchException;
import dev.torch4j.libtorch.WeightLoader;
import dev.torch4j.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code torch4j export-mobile}: TorchScript to a mobile {@code .ptl} (or back to {@code .pt}),
 * optionally after loading weights from any file torch4j reads into an architecture.
 *
 * <p>It lives in the libtorch module so the plain CLI keeps no native dependency: register it with
 * {@code commandLine.addSubcommand(new ExportMobileCommand())} when this module is on the class path.
 */
@Command(name = "export-mobile", mixinStandardHelpOptions = true,
        description = {
                "Write a TorchScript model as a PyTorch Mobile lite-interpreter file (.ptl), using libtorch.",
                "  export-mobile MODEL.pt OUT.ptl",
                "  export-mobile --architecture ARCH.pt --weights WEIGHTS OUT.ptl",
                "WEIGHTS is any file torch4j reads: a state_dict (.pt/.pth/.pkl/.bin), a pickled module,",
                "a Lightning .ckpt (with --strip-prefix model.), a TorchScript archive..."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written", "1:unreadable input, weights that do not fit, or libtorch refused",
                "2:usage error", "3:libtorch is not available"})
public final class ExportMobileCommand implements Callable<Integer> {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_NO_BACKEND = 3;

    @Parameters(arity = "1..2", paramLabel = "FILE",
            description = "[MODEL] OUT: the TorchScript model (omit with --architecture) and the file to write.")
    List<Path> files;

    @Option(names = "--architecture", paramLabel = "ARCH",
            description = "TorchScript module (torch.jit.save) whose parameters and buffers receive --weights.")
    Path architecture;

    @Option(names = "--weights", paramLabel = "WEIGHTS", description = "Weights to load into the module first.")
    Path weights;

    @Option(names = "--strip-prefix", paramLabel = "PREFIX",
            description = "Remove PREFIX from weight names that start with it (model. for Lightning checkpoints).")
    String stripPrefix;

    @Option(names = "--no-strict", negatable = false,
            description = "Load what matches: allow missing and unexpected keys, cast across dtype kinds.")
    boolean noStrict;

    @Option(names = "--no-freeze", negatable = false,
            description = "Write the module as it is, without freezing and optimising it.")
    boolean noFreeze;

    @Option(names = "--to", paramLabel = "FORMAT", defaultValue = "ptl",
            description = "ptl (lite interpreter, default) or pt (TorchScript archive).")
    String to;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExportMobileCommand()).execute(args));
    }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MobileExporter.Target target;
        switch (to.toLowerCase()) {
            case "ptl" -> target = MobileExporter.Target.PTL;
            case "pt" -> target = MobileExporter.Target.PT;
            default -> {
                return usage(err, "--to must be ptl or pt, not '" + to + "'");
            }
        }
        Path model;
        Path output;
        if (architecture != null) {
            if (files.size() != 1) return usage(err, "with --architecture give only the output file");
            if (weights == null) return usage(err, "--architecture needs --weights");
            model = architecture;
            output = files.get(0);
        } else {
            if (files.size() != 2) return usage(err, "give MODEL and OUT, or --architecture ARCH --weights W OUT");
            model = files.get(0);
            output = files.get(1);
        }
        if (output.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
            return usage(err, "the output would overwrite the input " + model);
        }
        try {
            LibtorchBackend.require();
            try (ScriptModel m = ScriptModel.load(model)) {
                out.println("loaded " + model + " (methods: " + String.join(", ", m.methodNames()) + ")");
                if (weights != null) loadWeights(m, out);
                MobileExporter.Result r = MobileExporter.export(m, output, new MobileExporter.Options(target, !noFreeze));
                out.println("wrote " + r.file() + " (" + r.target().name().toLowerCase()
                        + (r.frozen() ? ", frozen" : "") + ", " + r.bytes() + " bytes"
                        + (r.bytecodeVersion() >= 0 ? ", bytecode v" + r.bytecodeVersion() : "") + ")");
            }
            return 0;
        } catch (LibtorchUnavailableException e) {
            err.println("export-mobile: " + e.getMessage());
            return EXIT_NO_BACKEND;
        } catch (StateDictMismatchException e) {
            err.println("export-mobile: " + e.getMessage());
            if (!noStrict) err.println("(--no-strict loads what matches)");
            return EXIT_FAILED;
        } catch (IOException | UncheckedIOException | LibtorchException | IllegalArgumentException | IllegalStateException e) {
            err.println("export-mobile: " + e.getMessage());
            return EXIT_FAILED;
        } catch (RuntimeException e) {
            // A bug of ours or an unexpected libtorch failure: still a message, not a stack trace.
            err.println("export-mobile: internal error: " + e);
            return EXIT_FAILED;
        }
    }

    private void loadWeights(ScriptModel m, PrintWriter out) throws IOException {
        try (Checkpoint ckpt = Torch.open(weights)) {
            Map<String, Tensor> state = ckpt.stateDict();
            if (state.isEmpty()) throw new TorchFileException(weights.toString(), null, -1, "holds no tensors");
            MatchReport report = new WeightLoader(stripPrefix, !noStrict).load(m, state, weights.toString());
            out.println("weights " + weights + " (" + ckpt.format().id() + "): " + report.describe());
        }
    }

    private static int usage(PrintWriter err, String message) {
        err.println("export-mobile: " + message);
        return EXIT_USAGE;
    }
}
