package dev.torch4j.coreml;

import com.google.protobuf.CodedOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
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
 * TorchScript file to Core ML NeuralNetwork {@code .mlmodel} (specification version 4): reads the
 * frozen graph, checks every op, converts, and writes the file atomically (a temporary file beside
 * the target, fsynced, then renamed; a failure leaves no partial model).
 */
public final class CoreMlExporter {
    private CoreMlExporter() {}

    /** What was written: layer types in order, the output names and shapes. */
    public record Result(Path file, long bytes, List<String> layerTypes, List<String> outputs, List<long[]> outputShapes) {}

    /** Reads the model's graph through libtorch and lists its ops. */
    public static OpCheck check(Path model) throws IOException {
        return OpCheck.of(TorchScriptGraphReader.read(model));
    }

    /**
     * @param outputNames names for forward's outputs, or empty for {@code output} ({@code output_0, output_1...} for several)
     */
    public static Result export(Path model, Path out, List<InputSpec> inputs, List<String> outputNames)
            throws IOException, UnsupportedModelException {
        TorchGraph g = TorchScriptGraphReader.read(model);
        OpCheck check = OpCheck.of(g);
        if (!check.convertible()) {
            OpCheck.OpUse first = check.unsupported().get(0);
            throw new UnsupportedModelException("op " + first.op() + " (in " + String.join(", ", first.where())
                    + ") is not supported by export-coreml" + (check.unsupported().size() > 1
                    ? "; " + (check.unsupported().size() - 1) + " more unsupported op kind(s): run with --check-only" : ""));
        }
        GraphConverter.Converted c = GraphConverter.convert(g, inputs);
        List<String> names = outputNames(outputNames, c.outputBlobs().size());
        Set<String> taken = new HashSet<>();
        for (InputSpec i : inputs) if (!taken.add(i.name())) throw new IllegalArgumentException("input name " + i.name() + " given twice");
        for (String n : names) if (!taken.add(n)) throw new IllegalArgumentException("name " + n + " used for more than one input/output");

        Map<String, String> rename = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) rename.put(g.inputs().get(i), inputs.get(i).name());
        for (int i = 0; i < names.size(); i++) {
            String blob = c.outputBlobs().get(i);
            if (rename.containsKey(blob)) {
                throw new UnsupportedModelException("output " + i + " is " + (g.inputs().contains(blob) ? "an input passed through unchanged" : "returned twice")
                        + "; Core ML needs each output written by a layer");
            }
            rename.put(blob, names.get(i));
        }
        ProtoMessage spec = modelMessage(model, inputs, names, c, rename);
        long bytes = writeAtomically(spec, out);
        List<String> types = new ArrayList<>();
        for (Layer l : c.layers()) types.add(l.type());
        return new Result(out, bytes, types, names, c.outputShapes());
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
        for (InputSpec i : inputs) description.message(DESCRIPTION_INPUT, feature(i.name(), i.shape()));
        for (int i = 0; i < outputs.size(); i++) description.message(DESCRIPTION_OUTPUT, feature(outputs.get(i), c.outputShapes().get(i)));
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
        return new ProtoMessage().varint(MODEL_SPECIFICATION_VERSION, SPECIFICATION_VERSION)
                .message(MODEL_DESCRIPTION, description).message(MODEL_NEURAL_NETWORK, nn);
    }

    private static ProtoMessage feature(String name, long[] shape) {
        ProtoMessage array = new ProtoMessage().varints(ARRAY_SHAPE, shape).varint(ARRAY_DATA_TYPE, ARRAY_DATA_TYPE_FLOAT32);
        return new ProtoMessage().string(FEATURE_NAME, name)
                .message(FEATURE_TYPE, new ProtoMessage().message(FEATURE_TYPE_MULTI_ARRAY, array));
    }

    private static long writeAtomically(ProtoMessage spec, Path out) throws IOException {
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
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
