package dev.torch4j.pt2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a serialized ExportedProgram says about the model: schema and torch versions, the graph
 * signature (user inputs and outputs; the parameters, buffers and constants lifted to inputs), and
 * how often each operator is called (nested graphs of control-flow operators included).
 *
 * <p>Reads both signature shapes: {@code input_specs}/{@code output_specs} (2.2 on) and the
 * dictionaries of 2.1 ({@code inputs_to_parameters}, {@code user_inputs}...).
 */
record ProgramSummary(String schemaVersion, String torchVersion, Map<String, Object> opsets,
                      List<String> inputs, List<String> outputs, List<String> parameters, List<String> buffers,
                      List<String> constants, List<String> customObjects, Map<String, Long> operators, long nodes) {

    /** Graphs nested in control-flow operators: real programs nest a few; hostile JSON is cut here. */
    private static final int MAX_GRAPH_DEPTH = 64;

    static ProgramSummary parse(Object json) {
        Map<String, Object> ep = JsonTree.object(json, "exported program");
        Map<String, Object> gm = JsonTree.object(ep.get("graph_module"), "graph_module");
        Map<String, Object> graph = JsonTree.object(gm.get("graph"), "graph_module.graph");
        Map<String, Object> values = JsonTree.optObject(graph, "tensor_values");
        Map<String, Object> signature = JsonTree.object(gm.get("signature"), "graph_module.signature");

        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<String> parameters = new ArrayList<>();
        List<String> buffers = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        List<String> customObjects = new ArrayList<>();
        if (signature.containsKey("input_specs")) {
            for (Object spec : JsonTree.list(signature.get("input_specs"), "input_specs")) {
                Map.Entry<String, Object> u = JsonTree.union(spec, "input spec");
                Map<String, Object> s = JsonTree.object(u.getValue(), "input spec " + u.getKey());
                switch (u.getKey()) {
                    case "user_input" -> inputs.add(argument(s.get("arg"), values));
                    case "parameter" -> parameters.add(lifted(s, "parameter_name", values));
                    case "buffer" -> buffers.add(lifted(s, "buffer_name", values)
                            + (JsonTree.bool(s.get("persistent"), true) ? "" : " (non-persistent)"));
                    case "tensor_constant" -> constants.add(lifted(s, "tensor_constant_name", values));
                    case "custom_obj" -> customObjects.add(JsonTree.string(s.get("custom_obj_name"), "custom_obj_name"));
                    case "constant_input" -> inputs.add(JsonTree.string(s.get("name"), "constant input name") + " (constant)");
                    default -> { } // tokens: effect ordering, no value
                }
            }
            for (Object spec : JsonTree.list(signature.get("output_specs"), "output_specs")) {
                Map.Entry<String, Object> u = JsonTree.union(spec, "output spec");
                Map<String, Object> s = JsonTree.object(u.getValue(), "output spec " + u.getKey());
                switch (u.getKey()) {
                    case "user_output" -> outputs.add(argument(s.get("arg"), values));
                    case "loss_output" -> outputs.add(tensorName(s.get("arg"), values) + " (loss)");
                    case "buffer_mutation" -> outputs.add(tensorName(s.get("arg"), values) + " (mutates buffer "
                            + s.get("buffer_name") + ")");
                    case "user_input_mutation" -> outputs.add(tensorName(s.get("arg"), values) + " (mutates input "
                            + s.get("user_input_name") + ")");
                    default -> { }
                }
            }
        } else {
            Map<String, Object> toParams = JsonTree.optObject(signature, "inputs_to_parameters");
            Map<String, Object> toBuffers = JsonTree.optObject(signature, "inputs_to_buffers");
            for (Map.Entry<String, Object> e : toParams.entrySet()) parameters.add(e.getValue() + ": " + meta(e.getKey(), values));
            for (Map.Entry<String, Object> e : toBuffers.entrySet()) buffers.add(e.getValue() + ": " + meta(e.getKey(), values));
            for (Object n : JsonTree.optList(signature, "user_inputs")) inputs.add(n + ": " + meta(String.valueOf(n), values));
            for (Object n : JsonTree.optList(signature, "user_outputs")) outputs.add(n + ": " + meta(String.valueOf(n), values));
        }

        Map<String, Long> counts = new LinkedHashMap<>();
        long[] nodes = {0};
        countOperators(graph, counts, nodes, 0);
        Map<String, Long> histogram = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> histogram.put(e.getKey(), e.getValue()));

        Object sv = ep.get("schema_version");
        String schema = sv instanceof Map<?, ?> m ? m.get("major") + "." + m.get("minor") : sv == null ? null : String.valueOf(sv);
        Object tv = ep.get("torch_version");
        Map<String, Object> opsets = new LinkedHashMap<>(JsonTree.optObject(ep, "opset_version"));
        return new ProgramSummary(schema, tv == null ? null : String.valueOf(tv), opsets, inputs, outputs, parameters,
                buffers, constants, customObjects, histogram, nodes[0]);
    }

    private static void countOperators(Map<String, Object> graph, Map<String, Long> counts, long[] nodes, int depth) {
        if (depth > MAX_GRAPH_DEPTH) throw new IllegalArgumentException("graphs nested more than " + MAX_GRAPH_DEPTH + " deep");
        for (Object n : JsonTree.optList(graph, "nodes")) {
            Map<String, Object> node = JsonTree.object(n, "node");
            counts.merge(JsonTree.string(node.get("target"), "node target"), 1L, Long::sum);
            nodes[0]++;
            for (Object in : JsonTree.optList(node, "inputs")) {
                if (in instanceof Map<?, ?> named && named.get("arg") instanceof Map<?, ?> arg
                        && arg.get("as_graph") instanceof Map<?, ?> g && g.get("graph") instanceof Map<?, ?> sub) {
                    countOperators(JsonTree.object(sub, "nested graph"), counts, nodes, depth + 1);
                }
            }
        }
    }

    /** A lifted parameter/buffer/constant: its state-dict name and its value's type. */
    private static String lifted(Map<String, Object> spec, String nameField, Map<String, Object> values) {
        String fqn = JsonTree.string(spec.get(nameField), nameField);
        return fqn + ": " + meta(tensorName(spec.get("arg"), values), values);
    }

    /** A TensorArgument ({@code {"name": ...}}) or an Argument union holding one. */
    private static String tensorName(Object arg, Map<String, Object> values) {
        Map<String, Object> m = JsonTree.object(arg, "argument");
        if (m.get("name") instanceof String s) return s;
        Map.Entry<String, Object> u = JsonTree.union(m, "argument");
        if (u.getValue() instanceof Map<?, ?> inner && inner.get("name") instanceof String s) return s;
        return u.getKey() + "=" + u.getValue();
    }

    /** An input or output argument: tensors with their type, SymInts and constants as they are. */
    private static String argument(Object arg, Map<String, Object> values) {
        Map.Entry<String, Object> u = JsonTree.union(arg, "argument");
        return switch (u.getKey()) {
            case "as_tensor" -> {
                String n = tensorName(u.getValue(), values);
                yield n + ": " + meta(n, values);
            }
            case "as_sym_int" -> JsonTree.union(u.getValue(), "sym int").getValue() + ": SymInt";
            case "as_none" -> "None";
            case "as_custom_obj" -> JsonTree.object(u.getValue(), "custom obj").get("name") + ": "
                    + JsonTree.object(u.getValue(), "custom obj").get("class_fqn");
            default -> u.getKey().substring(3) + " " + u.getValue();
        };
    }

    private static String meta(String name, Map<String, Object> values) {
        Object m = values.get(name);
        return m == null ? "?" : TensorMeta.parse(m, "tensor_values." + name).describe();
    }
}
