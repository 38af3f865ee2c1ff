package dev.torch4j.libtorch.cli;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.libtorch.LibtorchBackend;
import dev.torch4j.libtorch.LibtorchException;
import dev.torch4j.libtorch.MatchReport;
import dev.torch4j.libtorch.MobileExporter;
import dev.torch4j.libtorch.ScriptModel;
import dev.torch4j.libtorch.StateDictMismatchException;
import dev.torch4j.libtorch.WeightLoader;
import dev.torch4j.spi.BackendUnavailableException;
import dev.torch4j.spi.ExitCodes;
import dev.torch4j.cli.api.ExitCodeLists;
import dev.torch4j.cli.api.WritingCommand;
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
                "  export-mobile --bytecode-version 5 MODEL.pt OUT.ptl   (for an older lite interpreter)",
                "WEIGHTS is any file torch4j reads: a state_dict (.pt/.pth/.pkl/.bin), a pickled module,",
                "a Lightning .ckpt (with --strip-prefix model.), a TorchScript archive..."},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {ExitCodeLists.OK, "2:usage error, unreadable input, weights that do not fit, libtorch refused,"
                + " or OUT exists without --force; nothing written", "3:libtorch is not available"})
public final class ExportMobileCommand extends WritingCommand {
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

    @Option(names = "--bytecode-version", paramLabel = "N",
            description = {"Mobile bytecode version of the .ptl: " + MobileExporter.MIN_BYTECODE_VERSION
                    + " up to libtorch's own (8, the default).",
                    "Lower versions are backported in pure Java, as torch4j backport does."})
    Integer bytecodeVersion;



    @Override public Integer call() throws IOException {
        PrintWriter out = out();
        MobileExporter.Target target;
        switch (to.toLowerCase(java.util.Locale.ROOT)) {
            case "ptl" -> target = MobileExporter.Target.PTL;
            case "pt" -> target = MobileExporter.Target.PT;
            default -> throw usage("--to must be ptl or pt, not '" + to + "'");
        }
        if (bytecodeVersion != null) {
            if (target != MobileExporter.Target.PTL) throw usage("--bytecode-version applies to --to ptl only");
            if (bytecodeVersion < MobileExporter.MIN_BYTECODE_VERSION) {
                throw usage("--bytecode-version must be at least " + MobileExporter.MIN_BYTECODE_VERSION
                        + " (the oldest PyTorch reads), not " + bytecodeVersion);
            }
        }
        Path model;
        Path output;
        if (architecture != null) {
            if (files.size() != 1) throw usage("with --architecture give only the output file");
            if (weights == null) throw usage("--architecture needs --weights");
            model = architecture;
            output = files.get(0);
        } else {
            if (files.size() != 2) throw usage("give MODEL and OUT, or --architecture ARCH --weights W OUT");
            model = files.get(0);
            output = files.get(1);
        }
        checkOutput(model, output);
        if (!java.nio.file.Files.isRegularFile(model)) throw new java.nio.file.NoSuchFileException(model.toString());
        if (weights != null && !java.nio.file.Files.isRegularFile(weights)) {
            throw new java.nio.file.NoSuchFileException(weights.toString());
        }
        ModelFiles.requireTorchScript(model);
        // --json keeps stdout for the JSON document alone.
        PrintWriter log = json ? new PrintWriter(java.io.Writer.nullWriter()) : out;
        LibtorchBackend.require();
        int produced = MobileExporter.producedBytecodeVersion();
        if (bytecodeVersion != null && bytecodeVersion > produced) {
            throw usage("--bytecode-version must be at most " + produced
                    + " (the version libtorch writes), not " + bytecodeVersion);
        }
        MobileExporter.Options options = new MobileExporter.Options(target, !noFreeze,
                bytecodeVersion == null ? MobileExporter.PRODUCED_VERSION : bytecodeVersion);
        try (ScriptModel m = ModelFiles.load(model)) {
            log.println("loaded " + model + " (methods: " + String.join(", ", m.methodNames()) + ")");
            if (weights != null) loadWeights(m, log);
            MobileExporter.Result r;
            try {
                r = MobileExporter.export(m, output, options, force);
            } catch (LibtorchException e) {
                throw new TorchFileException(model.toString(), null, -1, ModelFiles.firstLine(e.getMessage()), e);
            }
            if (json) printJson(out, r);
            log.println("wrote " + r.file() + " (" + r.target().name().toLowerCase(java.util.Locale.ROOT)
                    + (r.frozen() ? ", frozen" : "") + ", " + r.bytes() + " bytes"
                    + (r.bytecodeVersion() >= 0 ? ", bytecode v" + r.bytecodeVersion() : "")
                    + (MobileExporter.needsBackport(options) ? ", backported from v" + produced : "") + ")");
        } catch (StateDictMismatchException e) {
            throw new IllegalArgumentException(e.getMessage() + (noStrict ? "" : " (--no-strict loads what matches)"), e);
        }
        return ExitCodes.OK;
    }

    private void loadWeights(ScriptModel m, PrintWriter out) throws IOException {
        try (Checkpoint ckpt = Torch.open(weights)) {
            Map<String, Tensor> state = ckpt.stateDict();
            if (state.isEmpty()) throw new TorchFileException(weights.toString(), null, -1, "holds no tensors");
            MatchReport report = new WeightLoader(stripPrefix, !noStrict).load(m, state, weights.toString());
            out.println("weights " + weights + " (" + ckpt.format().id() + "): " + report.describe());
        }
    }

    private static void printJson(PrintWriter out, MobileExporter.Result r) throws IOException {
        JsonWriter w = new JsonWriter(out, false);
        w.beginObject();
        w.name("file").value(r.file().toString());
        w.name("target").value(r.target().name().toLowerCase(java.util.Locale.ROOT));
        w.name("bytes").value(r.bytes());
        w.name("frozen").value(r.frozen());
        w.name("bytecode_version").value(r.bytecodeVersion());
        w.name("methods").beginArray();
        for (String m : r.methods()) w.value(m);
        w.endArray();
        w.endObject();
        w.finish();
        out.println();
    }

}
