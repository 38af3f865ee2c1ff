package dev.torch4j.coreml.cli;

import dev.torch4j.coreml.CoreMlExporter;
import dev.torch4j.coreml.InputSpec;
import dev.torch4j.coreml.OpCheck;
import dev.torch4j.coreml.UnsupportedModelException;
import dev.torch4j.TorchFileException;
import dev.torch4j.json.Json;
import dev.torch4j.libtorch.LibtorchException;
import dev.torch4j.spi.BackendUnavailableException;
import dev.torch4j.spi.ExitCodes;
import dev.torch4j.cli.api.CommandFailedException;
import dev.torch4j.cli.api.ErrorHandler;
import dev.torch4j.cli.api.ExitCodeLists;
import dev.torch4j.cli.api.WritingCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch4j export-coreml}: TorchScript to a Core ML NeuralNetwork .mlmodel. {@code --check-only}
 * runs the same conversion in memory and writes nothing, so its verdict is export's.
 */
@Command(name = "export-coreml", mixinStandardHelpOptions = true,
        description = {
                "Write a TorchScript model as a Core ML NeuralNetwork .mlmodel, or check that it converts.",
                "  export-coreml MODEL.pt OUT.mlmodel --input x:1,3,224,224 [--output probs] [--force]",
                "  export-coreml MODEL.pt --check-only --input x:1,3,224,224 [--json]"},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {"0:convertible / written", "1:the model uses an op or argument the converter does not support (nothing written)",
                "2:usage error, unreadable model, or OUT exists without --force; nothing written", "3:libtorch is not available"})
public final class ExportCoreMlCommand extends WritingCommand {

    @Parameters(arity = "1..2", paramLabel = "FILE", description = "MODEL.pt [OUT.mlmodel] (no OUT with --check-only).")
    List<Path> files;

    @Option(names = "--input", paramLabel = "NAME:D1,D2,...[:int32]",
            description = "A forward input, in order: its Core ML name, fixed shape and, for token ids fed to an embedding, :int32 (repeat for each input).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "NAME", split = ",",
            description = "Names for forward's outputs, in order (default: output, or output_0, output_1...).")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--check-only", description = "Convert in memory and report every problem; write nothing.")
    boolean checkOnly;

    public static void main(String[] args) {
        System.exit(ErrorHandler.install(new CommandLine(new ExportCoreMlCommand()), false).execute(args));
    }

    @Override public Integer call() throws Exception {
        Path model = files.get(0);
        if (checkOnly && files.size() != 1) throw usage(files.get(1) + ": --check-only writes nothing: give only MODEL");
        if (!checkOnly && files.size() != 2) throw usage(model + ": give MODEL and OUT.mlmodel (or --check-only)");
        if (inputs.isEmpty()) {
            throw usage(model + ": give each forward input's shape with --input NAME:D1,D2,... (the conversion needs static shapes)");
        }
        List<InputSpec> specs = new ArrayList<>();
        for (String s : inputs) {
            try {
                specs.add(InputSpec.parse(s));
            } catch (IllegalArgumentException e) {
                throw usage(model + ": " + e.getMessage());
            }
        }
        if (!Files.isRegularFile(model)) throw new NoSuchFileException(model.toString());
        Path target = checkOnly ? null : files.get(1);
        if (target != null) checkOutput(model, target); // refused before any work: nothing written
        try {
            if (checkOnly) return check(model, CoreMlExporter.plan(model, specs, outputs));
            CoreMlExporter.Result r = CoreMlExporter.export(model, target, specs, outputs, force);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("written", target.toString());
                m.put("bytes", r.bytes());
                m.put("specificationVersion", (long) r.specificationVersion());
                m.put("layers", r.layerTypes());
                m.put("outputs", outputsJson(r.outputs(), r.outputShapes()));
                out().println(Json.write(m, true));
            } else {
                out().println("wrote " + target + " (Core ML NeuralNetwork, specification " + r.specificationVersion() + ", "
                        + r.layerTypes().size() + " layers, " + r.bytes() + " bytes; outputs " + outputsText(r.outputs(), r.outputShapes()) + ")");
            }
            return ExitCodes.OK;
        } catch (UnsupportedModelException e) {
            throw CommandFailedException.finding(model + ": " + e.getMessage() + "; nothing written", e);
        } catch (FileAlreadyExistsException | BackendUnavailableException e) {
            throw e; // the handler words these (the output's path; exit 3)
        } catch (IllegalArgumentException e) {
            throw CommandFailedException.badInput(model + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw named(model, e.getCause());
        } catch (IOException | LibtorchException e) {
            throw named(model, e);
        }
    }

    /**
     * {@code e} as the handler should see it: TorchFileException and FileSystemException name their file
     * already; other failures get the model's path (once) in front of their message.
     */
    private static Exception named(Path model, Exception e) {
        if (e instanceof TorchFileException || e instanceof FileSystemException
                || ExitCodes.of(e) != ExitCodes.BAD_INPUT) return e;
        return CommandFailedException.badInput(model + ": " + withoutPath(e.getMessage(), model), e);
    }

    /** TorchFileException messages start with the path already; print it once. */
    private static String withoutPath(String message, Path subject) {
        String m = String.valueOf(message).strip();
        String prefix = subject + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    private static List<Object> outputsJson(List<String> names, List<long[]> shapes) {
        List<Object> outs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", names.get(i));
            List<Object> shape = new ArrayList<>();
            for (long d : shapes.get(i)) shape.add(d);
            o.put("shape", shape);
            outs.add(o);
        }
        return outs;
    }

    private static String outputsText(List<String> names, List<long[]> shapes) {
        StringBuilder o = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) o.append(", ");
            o.append(names.get(i)).append(Arrays.toString(shapes.get(i)));
        }
        return o.toString();
    }

    /** Prints the verdict of {@code --check-only}; problems are findings (exit 1), all of them on stdout. */
    private int check(Path model, CoreMlExporter.Plan plan) {
        OpCheck check = plan.check();
        PrintWriter out = out();
        if (json) {
            Map<String, Object> m = check.toJsonMap();
            if (plan.convertible()) {
                m.put("specificationVersion", (long) plan.specificationVersion());
                m.put("layers", plan.layerTypes());
                m.put("outputs", outputsJson(plan.outputs(), plan.outputShapes()));
            }
            out.println(Json.write(m, true));
            return plan.convertible() ? ExitCodes.OK : ExitCodes.FINDING;
        }
        if (plan.convertible()) {
            out.println(model + ": convertible to a Core ML NeuralNetwork (specification " + plan.specificationVersion() + ", "
                    + plan.layerTypes().size() + " layers; outputs " + outputsText(plan.outputs(), plan.outputShapes()) + ")");
            return ExitCodes.OK;
        }
        out.println(model + ": NOT convertible to Core ML (" + check.problems().size() + " problem(s)):");
        for (OpCheck.Problem p : check.problems()) out.println("  " + p.message());
        out.flush();
        // The first problem on stderr too, as the one-line error export would print.
        throw CommandFailedException.finding(model + ": " + check.problems().get(0).message(), null);
    }
}
