package dev.torch4j.coreml.cli;

import dev.torch4j.coreml.CoreMlExporter;
import dev.torch4j.coreml.InputSpec;
import dev.torch4j.coreml.OpCheck;
import dev.torch4j.coreml.UnsupportedModelException;
import dev.torch4j.json.Json;
import dev.torch4j.libtorch.LibtorchException;
import dev.torch4j.libtorch.LibtorchUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code torch4j export-coreml}: TorchScript to a Core ML NeuralNetwork .mlmodel, or an op-by-op convertibility check. */
@Command(name = "export-coreml", mixinStandardHelpOptions = true,
        description = {
                "Check a TorchScript model's ops for Core ML, or write it as a Core ML NeuralNetwork .mlmodel (spec 4).",
                "  export-coreml MODEL.pt --check-only",
                "  export-coreml MODEL.pt OUT.mlmodel --input x:1,3,224,224 [--output probs]"},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:convertible / written", "1:an op or argument the converter does not support (nothing written)",
                "2:usage error or unreadable model", "3:libtorch is not available"})
public final class ExportCoreMlCommand implements Callable<Integer> {
    static final int EXIT_UNSUPPORTED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_NO_BACKEND = 3;

    @Parameters(arity = "1..2", paramLabel = "FILE", description = "MODEL.pt [OUT.mlmodel] (OUT is not needed with --check-only).")
    List<Path> files;

    @Option(names = "--input", paramLabel = "NAME:D1,D2,...",
            description = "A forward input, in order: its Core ML name and fixed shape (repeat for each input).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "NAME", split = ",",
            description = "Names for forward's outputs, in order (default: output, or output_0, output_1...).")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--check-only", description = "List every op and whether it converts; write nothing.")
    boolean checkOnly;

    @Option(names = "--json", description = "Print the result as JSON.")
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
        try {
            if (checkOnly) {
                if (files.size() != 1) return usage(err, "--check-only takes only MODEL");
                if (!Files.isRegularFile(model)) return usage(err, "no such file: " + model);
                OpCheck check = CoreMlExporter.check(model);
                printCheck(out, model, check);
                return check.convertible() ? 0 : EXIT_UNSUPPORTED;
            }
            if (files.size() != 2) return usage(err, "give MODEL and OUT.mlmodel (or --check-only)");
            Path target = files.get(1);
            if (target.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
                return usage(err, "the output would overwrite the input " + model);
            }
            if (inputs.isEmpty()) return usage(err, "give each forward input's shape with --input NAME:D1,D2,...");
            List<InputSpec> specs = new ArrayList<>();
            for (String s : inputs) specs.add(InputSpec.parse(s));
            if (!Files.isRegularFile(model)) return usage(err, "no such file: " + model);
            Path parent = target.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) return usage(err, "the output folder of " + target + " does not exist");
            CoreMlExporter.Result r = CoreMlExporter.export(model, target, specs, outputs);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("written", target.toString());
                m.put("bytes", r.bytes());
                m.put("specificationVersion", 4L);
                m.put("layers", r.layerTypes());
                List<Object> outs = new ArrayList<>();
                for (int i = 0; i < r.outputs().size(); i++) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("name", r.outputs().get(i));
                    List<Object> shape = new ArrayList<>();
                    for (long d : r.outputShapes().get(i)) shape.add(d);
                    o.put("shape", shape);
                    outs.add(o);
                }
                m.put("outputs", outs);
                out.println(Json.write(m, true));
            } else {
                StringBuilder o = new StringBuilder();
                for (int i = 0; i < r.outputs().size(); i++) {
                    if (i > 0) o.append(", ");
                    o.append(r.outputs().get(i)).append(Arrays.toString(r.outputShapes().get(i)));
                }
                out.println("wrote " + target + " (Core ML NeuralNetwork, specification 4, " + r.layerTypes().size()
                        + " layers, " + r.bytes() + " bytes; outputs " + o + ")");
            }
            return 0;
        } catch (LibtorchUnavailableException e) {
            err.println("export-coreml: " + e.getMessage());
            return EXIT_NO_BACKEND;
        } catch (UnsupportedModelException e) {
            err.println("export-coreml: " + model + ": " + e.getMessage() + "; nothing written");
            return EXIT_UNSUPPORTED;
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } catch (IOException | UncheckedIOException | LibtorchException e) {
            err.println("export-coreml: " + e.getMessage());
            return EXIT_USAGE;
        } catch (RuntimeException e) {
            err.println("export-coreml: internal error: " + e);
            return EXIT_UNSUPPORTED;
        }
    }

    private void printCheck(PrintWriter out, Path model, OpCheck check) {
        if (json) {
            out.println(Json.write(check.toJsonMap(), true));
            return;
        }
        out.println(model + ": " + (check.convertible() ? "convertible" : "NOT convertible") + " to Core ML (NeuralNetwork)");
        for (OpCheck.OpUse u : check.ops()) {
            out.printf("  %-3s %-28s x%d%n", u.supported() ? "ok" : "NO", u.op(), u.count());
        }
        for (OpCheck.OpUse u : check.unsupported()) {
            out.println("unsupported: " + u.op() + " used in " + String.join(", ", u.where()));
        }
    }

    private static int usage(PrintWriter err, String message) {
        err.println("export-coreml: " + message);
        return EXIT_USAGE;
    }
}
