package dev.torch4j.coreml;

import com.google.protobuf.CodedOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.torch4j.coreml.CoreMlFields.*;

/**
 * TorchScript file to Core ML NeuralNetwork {@code .mlmodel} (specification version 4, or 5 where a
 * layer needs iOS 14): reads the frozen graph, converts every op in memory ({@link #plan}), and only
 * when nothing failed writes the file atomically (a temporary file beside the target, fsynced, then
 * renamed; a failure leaves no partial model). {@code --check-only} is the same plan, not written.
 */
public final class CoreMlExporter {
    private CoreMlExporter() {}

    /** What was written: layer types in order, the output names and shapes. */
    public record Result(Path file, long bytes, List<String> layerTypes, List<String> outputs, List<long[]> outputShapes,
                         int specificationVersion) {}

    /**
     * The whole conversion, in memory: {@code --check-only} reports it, export writes it. {@code spec}
     * is null exactly when {@code check} has problems.
     */
    public static final class Plan {
        private final OpCheck check;
        private final List<String> layerTypes;
        private final List<String> outputs;
        private final List<long[]> outputShapes;
        private final int specificationVersion;
        private final ProtoMessage spec;

        Plan(OpCheck check, List<String> layerTypes, List<String> outputs, List<long[]> outputShapes, int specificationVersion, ProtoMessage spec) {
            this.check = check;
            this.layerTypes = List.copyOf(layerTypes);
            this.outputs = List.copyOf(outputs);
            this.outputShapes = List.copyOf(outputShapes);
            this.specificationVersion = specificationVersion;
            this.spec = spec;
        }

        public boolean convertible() {
            return check.convertible();
        }

        public OpCheck check() {
            return check;
        }

        /** The Core ML layer types, in order (of the layers converted so far when there are problems). */
        public List<String> layerTypes() {
            return layerTypes;
        }

        public List<String> outputs() {
            return outputs;
        }

        public List<long[]> outputShapes() {
            return outputShapes;
        }

        public int specificationVersion() {
            return specificationVersion;
        }

        ProtoMessage spec() {
            return spec;
        }
    }

    /**
     * Reads the model's graph through libtorch and converts it for these input shapes, collecting
     * every problem instead of stopping at the first.
     *
     * @param outputNames names for forward's outputs, or empty for {@code output} ({@code output_0, output_1...} for several)
     */
    public static Plan plan(Path model, List<InputSpec> inputs, List<String> outputNames) throws IOException {
        TorchGraph g = TorchScriptGraphReader.read(model);
        GraphConverter.Converted c = GraphConverter.convert(g, inputs);
        Set<String> taken = new HashSet<>();
        for (InputSpec i : inputs) if (!taken.add(i.name())) throw new IllegalArgumentException("input name " + i.name() + " given twice");
        List<GraphConverter.Problem> problems = new ArrayList<>(c.problems());
        List<String> types = new ArrayList<>();
        for (Layer l : c.layers()) types.add(l.type());
        if (!problems.isEmpty()) {
            return new Plan(OpCheck.of(g, problems), types, List.of(), c.outputShapes(), c.specificationVersion(), null);
        }
        List<String> names = outputNames(outputNames, c.outputBlobs().size());
        for (String n : names) if (!taken.add(n)) throw new IllegalArgumentException("name " + n + " used for more than one input/output");
        Map<String, String> rename = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) rename.put(g.inputs().get(i), inputs.get(i).name());
        for (int i = 0; i < names.size(); i++) {
            String blob = c.outputBlobs().get(i);
            if (rename.containsKey(blob)) {
                problems.add(new GraphConverter.Problem("return", "the top module", "returns as output " + i + " "
                        + (g.inputs().contains(blob) || rename.get(blob).equals(blob) ? "an input passed through unchanged" : "a tensor returned twice")
                        + "; Core ML needs each output written by its own layer", false));
                continue;
            }
            rename.put(blob, names.get(i));
        }
        if (!problems.isEmpty()) {
            return new Plan(OpCheck.of(g, problems), types, List.of(), c.outputShapes(), c.specificationVersion(), null);
        }
        ProtoMessage spec = modelMessage(model, inputs, names, c, rename);
        return new Plan(OpCheck.of(g, problems), types, names, c.outputShapes(), c.specificationVersion(), spec);
    }

    /**
     * Converts and writes atomically (0644, temporary file beside the target, then renamed). Refuses
     * an existing target unless {@code replace}.
     */
    public static Result export(Path model, Path out, List<InputSpec> inputs, List<String> outputNames, boolean replace)
            throws IOException, UnsupportedModelException {
        Plan plan = plan(model, inputs, outputNames);
        if (!plan.convertible()) {
            List<OpCheck.Problem> problems = plan.check().problems();
            throw new UnsupportedModelException(problems.get(0).message() + (problems.size() > 1
                    ? " (and " + (problems.size() - 1) + " more problem(s): --check-only --json lists them)" : ""));
        }
        if (!replace && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) throw new FileAlreadyExistsException(out.toString());
        long bytes = writeAtomically(plan.spec(), out, replace);
        return new Result(out, bytes, plan.layerTypes(), plan.outputs(), plan.outputShapes(), plan.specificationVersion());
    }

    private static List<String> outputNames(List<String> given, int count) {
        if (!given.isEmpty()) {
            if (given.size() != count) throw new IllegalArgumentException("forward returns " + count + " output(s), " + given.size() + " --output name(s) given");
            for (String n : given) {
                if (!n.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("output name '" + n + "' must be an identifier (letters, digits, _)");
            }
            return given;
        }
        if (count == 1) return List.of("output");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) names.add("output_" + i);
        return names;
    }

    private static ProtoMessage modelMessage(Path model, List<InputSpec> inputs, List<String> outputs, GraphConverter.Converted c,
                                             Map<String, String> rename) {
        ProtoMessage description = new ProtoMessage();
        for (InputSpec i : inputs) description.message(DESCRIPTION_INPUT, feature(i.name(), i.shape(), i.type().arrayDataType));
        for (int i = 0; i < outputs.size(); i++) description.message(DESCRIPTION_OUTPUT, feature(outputs.get(i), c.outputShapes().get(i), ARRAY_DATA_TYPE_FLOAT32));
        description.message(DESCRIPTION_METADATA, new ProtoMessage()
                .string(METADATA_SHORT_DESCRIPTION, "Converted from " + model.getFileName() + " by torch4j export-coreml")
                .message(METADATA_USER_DEFINED, new ProtoMessage().string(MAP_KEY, "dev.torch4j.source").string(MAP_VALUE, model.getFileName().toString())));
        ProtoMessage nn = new ProtoMessage();
        for (Layer l : c.layers()) {
            ProtoMessage layer = new ProtoMessage().string(LAYER_NAME, l.name());
            for (String i : l.inputs()) layer.string(LAYER_INPUT, rename.getOrDefault(i, i));
            for (String o : l.outputs()) layer.string(LAYER_OUTPUT, rename.getOrDefault(o, o));
            layer.message(l.field(), l.params());
            nn.message(NN_LAYERS, layer);
        }
        nn.varint(NN_ARRAY_INPUT_SHAPE_MAPPING, EXACT_ARRAY_MAPPING);
        return new ProtoMessage().varint(MODEL_SPECIFICATION_VERSION, c.specificationVersion())
                .message(MODEL_DESCRIPTION, description).message(MODEL_NEURAL_NETWORK, nn);
    }

    private static ProtoMessage feature(String name, long[] shape, int arrayDataType) {
        ProtoMessage array = new ProtoMessage().varints(ARRAY_SHAPE, shape).varint(ARRAY_DATA_TYPE, arrayDataType);
        return new ProtoMessage().string(FEATURE_NAME, name)
                .message(FEATURE_TYPE, new ProtoMessage().message(FEATURE_TYPE_MULTI_ARRAY, array));
    }

    private static long writeAtomically(ProtoMessage spec, Path out, boolean replace) throws IOException {
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        // createTempFile makes 0600; a model is a shareable artefact, written 0644 like any other output.
        if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        boolean done = false;
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                CodedOutputStream cos = CodedOutputStream.newInstance(os, 1 << 16);
                spec.writeTo(cos);
                cos.flush();
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            long bytes = Files.size(tmp);
            // The existence check before conversion can race; re-check just before the rename.
            if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw new FileAlreadyExistsException(out.toString());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return bytes;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }
}
