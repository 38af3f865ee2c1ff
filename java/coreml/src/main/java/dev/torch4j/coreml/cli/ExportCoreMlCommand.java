package dev.torch4j.coreml.cli;

import dev.torch4j.coreml.CoreMlExporter;
import dev.torch4j.coreml.InputSpec;
import dev.torch4j.coreml.OpCheck;
import dev.torch4j.coreml.UnsupportedModelException;
import dev.torch4j.json.Json;
import dev.torch4j.libtorch.LibtorchException;
import dev.torch4j.spi.BackendUnavailableException;
import dev.torch4j.spi.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code torch4j export-coreml}: TorchScript to a Core ML NeuralNetwork .mlmodel. {@code --check-only}
 * runs the same conversion in memory and writes nothing, so its verdict is export's.
 */
@Command(name = "export-coreml", mixinStandardHelpOptions = true,
        description = {
                "Write a TorchScript model as a Core ML NeuralNetwork .mlmodel, or check that it converts.",
                "  export-coreml MODEL.pt OUT.mlmodel --input x:1,3,224,224 [--output probs] [--force]",
                "  export-coreml MODEL.pt --check-only --input x:1,3,224,224 [--json]"},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:convertible / written", "1:the model uses an op or argument the converter does not support (nothing written)",
                "2:usage error, unreadable model, or OUT exists without --force", "3:libtorch is not available"})
public final class ExportCoreMlCommand implements Callable<Integer> {

    @Parameters(arity = "1..2", paramLabel = "FILE", description = "MODEL.pt [OUT.mlmodel] (no OUT with --check-only).")
    List<Path> files;

    @Option(names = "--input", paramLabel = "NAME:D1,D2,...",
            description = "A forward input, in order: its Core ML name and fixed shape (repeat for each input).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "NAME", split = ",",
            description = "Names for forward's outputs, in order (default: output, or output_0, output_1...).")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--check-only", description = "Convert in memory and report every problem; write nothing.")
    boolean checkOnly;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Option(names = "--json", description = "Print the result as JSON (with --check-only: every op and every problem).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExportCoreMlCommand()).execute(args));
    }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path model = files.get(0);
        Path subject = model;
        try {
            if (checkOnly && files.size() != 1) return fail(err, files.get(1), "--check-only writes nothing: give only MODEL", ExitCodes.BAD_INPUT);
            if (!checkOnly && files.size() != 2) return fail(err, model, "give MODEL and OUT.mlmodel (or --check-only)", ExitCodes.BAD_INPUT);
            if (inputs.isEmpty()) return fail(err, model, "give each forward input's shape with --input NAME:D1,D2,... (the conversion needs static shapes)", ExitCodes.BAD_INPUT);
            List<InputSpec> specs = new ArrayList<>();
            for (String s : inputs) specs.add(InputSpec.parse(s));
            if (!Files.isRegularFile(model)) return fail(err, model, "no such file", ExitCodes.BAD_INPUT);
            if (checkOnly) {
                CoreMlExporter.Plan plan = CoreMlExporter.plan(model, specs, outputs);
                printCheck(out, err, model, plan);
                return plan.convertible() ? ExitCodes.OK : ExitCodes.FINDING;
            }
            Path target = files.get(1);
            subject = target;
            if (target.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
                return fail(err, target, "the output would overwrite the input model", ExitCodes.BAD_INPUT);
            }
            Path parent = target.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) return fail(err, target, "its folder does not exist", ExitCodes.BAD_INPUT);
            if (Files.exists(target) && !force) return fail(err, target, "exists; use --force to replace it", ExitCodes.BAD_INPUT);
            subject = model;
            CoreMlExporter.Result r = CoreMlExporter.export(model, target, specs, outputs, force);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("written", target.toString());
                m.put("bytes", r.bytes());
                m.put("specificationVersion", (long) r.specificationVersion());
                m.put("layers", r.layerTypes());
                m.put("outputs", outputsJson(r.outputs(), r.outputShapes()));
                out.println(Json.write(m, true));
            } else {
                out.println("wrote " + target + " (Core ML NeuralNetwork, specification " + r.specificationVersion() + ", "
                        + r.layerTypes().size() + " layers, " + r.bytes() + " bytes; outputs " + outputsText(r.outputs(), r.outputShapes()) + ")");
            }
            return ExitCodes.OK;
        } catch (BackendUnavailableException e) {
            return fail(err, model, e.getMessage(), ExitCodes.BACKEND_MISSING);
        } catch (UnsupportedModelException e) {
            return fail(err, model, e.getMessage() + "; nothing written", ExitCodes.FINDING);
        } catch (FileAlreadyExistsException e) {
            return fail(err, files.get(files.size() - 1), "exists; use --force to replace it", ExitCodes.BAD_INPUT);
        } catch (NoSuchFileException e) {
            return fail(err, subject, "no such file", ExitCodes.BAD_INPUT);
        } catch (IllegalArgumentException e) {
            return fail(err, subject, e.getMessage(), ExitCodes.BAD_INPUT);
        } catch (IOException | UncheckedIOException | LibtorchException e) {
            return fail(err, subject, withoutPath(e.getMessage(), subject), ExitCodes.of(e));
        }
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

    private void printCheck(PrintWriter out, PrintWriter err, Path model, CoreMlExporter.Plan plan) {
        OpCheck check = plan.check();
        if (json) {
            Map<String, Object> m = check.toJsonMap();
            if (plan.convertible()) {
                m.put("specificationVersion", (long) plan.specificationVersion());
                m.put("layers", plan.layerTypes());
                m.put("outputs", outputsJson(plan.outputs(), plan.outputShapes()));
            }
            out.println(Json.write(m, true));
            return;
        }
        if (plan.convertible()) {
            out.println(model + ": convertible to a Core ML NeuralNetwork (specification " + plan.specificationVersion() + ", "
                    + plan.layerTypes().size() + " layers; outputs " + outputsText(plan.outputs(), plan.outputShapes()) + ")");
            return;
        }
        // Problems are findings: the first on stderr as the one-line error export would print, all of them on stdout.
        out.println(model + ": NOT convertible to Core ML (" + check.problems().size() + " problem(s)):");
        for (OpCheck.Problem p : check.problems()) out.println("  " + p.message());
        err.println("torch4j: " + model + ": " + check.problems().get(0).message());
    }

    private static int fail(PrintWriter err, Path subject, String message, int code) {
        err.println("torch4j: " + subject + ": " + message);
        return code;
    }
}
