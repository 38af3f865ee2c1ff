package dev.torch4j.coreml;

import dev.torch4j.coreml.TorchGraph.FloatTensor;
import dev.torch4j.coreml.TorchGraph.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.torch4j.coreml.CoreMlFields.*;

/**
 * Turns a frozen TorchScript graph into Core ML NeuralNetwork layers, tracking every tensor's static
 * shape from the given input shapes. Each op is converted by its {@link SupportedOps} entry or
 * recorded as a {@link Problem}; the conversion goes on past a problem (ops that only depend on a
 * failed one are skipped silently) so that one run lists every op a user has to change. The same run
 * serves {@code --check-only} and export: a model with any problem is never written.
 */
final class GraphConverter {
    /** One reason the model cannot be written: the op, the module path it sits in, and why. */
    record Problem(String op, String where, String reason, boolean unknownOp) {
        String message() {
            return "op " + op + " (in " + where + ") " + (unknownOp ? "is not supported by export-coreml" : reason);
        }
    }

    /** The converted layers, the shape of each graph output in order, and what could not be converted. */
    record Converted(List<Layer> layers, List<String> outputBlobs, List<long[]> outputShapes, List<Problem> problems,
                     int specificationVersion) {}

    private final TorchGraph graph;
    private final Map<String, Object> constants = new HashMap<>();
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, List<String>> tensorLists = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    /** Values that share storage with another value (view ops, chunks, aliases): value to its base. */
    private final Map<String, String> viewOf = new HashMap<>();
    /** Index of the last node that reads each value, to know whether a view is still read after an in-place write. */
    private final Map<String, Integer> lastUse = new HashMap<>();
    /** Values that are one tensor because an in-place op returned its input: value to its group. */
    private final Map<String, Set<String>> sameTensor = new HashMap<>();
    private final Set<String> failed = new HashSet<>();
    /** Model inputs declared int32: Core ML hands them to layers as floats, so only an embedding's indices may read them. */
    private final Set<String> integerInputs = new HashSet<>();
    private final List<Layer> layers = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private int specificationVersion = SPECIFICATION_VERSION;
    private Node current;
    private int index;

    private GraphConverter(TorchGraph graph) {
        this.graph = graph;
        this.constants.putAll(graph.constants());
    }

    static Converted convert(TorchGraph graph, List<InputSpec> inputs) {
        if (inputs.size() != graph.inputs().size()) {
            throw new IllegalArgumentException("forward takes " + graph.inputs().size() + " tensor input(s), "
                    + inputs.size() + " --input given");
        }
        GraphConverter c = new GraphConverter(graph);
        for (int i = 0; i < inputs.size(); i++) {
            String v = graph.inputs().get(i);
            c.shapes.put(v, inputs.get(i).shape());
            c.aliases.put(v, v);
            if (inputs.get(i).type() == InputSpec.ElementType.INT32) c.integerInputs.add(v);
        }
        for (int i = 0; i < graph.nodes().size(); i++) {
            for (String v : graph.nodes().get(i).inputs()) c.lastUse.put(v, i);
        }
        for (String o : graph.outputs()) c.lastUse.put(o, Integer.MAX_VALUE);
        for (int i = 0; i < graph.nodes().size(); i++) {
            c.index = i;
            c.current = graph.nodes().get(i);
            c.convertNode(c.current);
        }
        List<String> blobs = new ArrayList<>();
        List<long[]> outShapes = new ArrayList<>();
        for (String o : graph.outputs()) {
            if (c.failed.contains(o)) continue;
            if (!c.shapes.containsKey(o)) {
                c.problems.add(new Problem("return", "the top module", "returns " + describeValue(c, o)
                        + ", not a tensor computed from the inputs; Core ML outputs are multi-arrays", false));
                continue;
            }
            blobs.add(c.blob(o));
            outShapes.add(c.shapes.get(o));
        }
        return new Converted(List.copyOf(c.layers), blobs, outShapes, List.copyOf(c.problems), c.specificationVersion);
    }

    private static String describeValue(GraphConverter c, String v) {
        Object k = c.constants.get(v);
        return k != null ? "the constant " + k : "%" + v;
    }

    // ---- dispatch ----

    private void convertNode(Node n) {
        SupportedOps.Entry entry = SupportedOps.lookup(n.kind());
        boolean dependsOnFailure = false;
        for (String i : n.inputs()) {
            if (failed.contains(i)) dependsOnFailure = true;
            List<String> list = tensorLists.get(i);
            if (list != null) for (String part : list) if (failed.contains(part)) dependsOnFailure = true;
        }
        if (entry == null || dependsOnFailure) {
            failed.addAll(n.outputs());
            // An op that only reads a failed value is a consequence, not a cause; an unknown op is always a cause.
            if (entry == null) {
                String why = n.kind().startsWith("prim::If") || n.kind().startsWith("prim::Loop")
                        ? "is data-dependent control flow, which a NeuralNetwork cannot express" : "";
                problems.add(new Problem(n.kind(), n.where(), why, why.isEmpty()));
            }
            return;
        }
        int before = layers.size();
        try {
            checkIntegerInputUse(n);
            entry.converter().convert(this, n);
            if (SupportedOps.isInPlace(n.kind())) afterInPlace(n);
        } catch (UnsupportedModelException e) {
            layers.subList(before, layers.size()).clear();
            failed.addAll(n.outputs());
            problems.add(new Problem(n.kind(), n.where(), e.getMessage(), false));
        }
    }

    /**
     * An int32 model input reaches the layers as float values, which is exact for indices but not for
     * integer arithmetic (PyTorch's integer division, overflow, an int result's dtype): so the only use
     * accepted is as the indices of aten::embedding.
     */
    private void checkIntegerInputUse(Node n) throws UnsupportedModelException {
        for (int i = 0; i < n.inputs().size(); i++) {
            String v = n.inputs().get(i);
            if (!integerInputs.contains(v)) continue;
            if (n.kind().equals("aten::embedding") && i == 1) continue;
            throw refuse("reads the int32 input " + v + ", which only aten::embedding's indices may read");
        }
    }

    /**
     * After {@code relu_(x)}, x and the result are one tensor: later reads of either (and of anything
     * an earlier in-place op made the same tensor) must see the new values, so all of them are
     * re-pointed at the result's blob. When that tensor shares storage with other values (a view, or
     * a tensor it is a view of) that are read later, Core ML's copy semantics would give those the old
     * values, so the model is refused rather than written wrong.
     */
    private void afterInPlace(Node n) throws UnsupportedModelException {
        String target = in(n, 0);
        String out = out(n);
        Set<String> same = sameTensor.getOrDefault(target, Set.of(target));
        Set<String> roots = new HashSet<>();
        for (String m : same) roots.add(root(m));
        for (String v : viewOf.keySet()) {
            if (same.contains(v) || v.equals(out) || !roots.contains(root(v))) continue;
            if (lastUse.getOrDefault(v, -1) > index) {
                throw refuse("writes in place into a tensor that shares storage with %" + v
                        + ", which is read afterwards; Core ML layers cannot alias tensors");
            }
        }
        for (String r : roots) {
            if (!same.contains(r) && lastUse.getOrDefault(r, -1) > index) {
                throw refuse("writes in place into a view of %" + r + ", which is read afterwards; Core ML layers cannot alias tensors");
            }
        }
        Set<String> group = new HashSet<>(same);
        group.add(out);
        for (String m : group) {
            sameTensor.put(m, group);
            aliases.put(m, blob(out));
            shapes.put(m, shapes.get(out));
        }
    }

    private String root(String v) {
        String r = v;
        for (int i = 0; i < 64 && viewOf.containsKey(r); i++) r = viewOf.get(r);
        return r;
    }

    private void markView(String view, String base) {
        viewOf.put(view, base);
    }

    void requireSpecificationVersion(int version) {
        specificationVersion = Math.max(specificationVersion, version);
    }

    // ---- argument access ----

    /** The reason the current op cannot be converted; the caller adds the op and its module path. */
    private UnsupportedModelException refuse(String why) {
        return new UnsupportedModelException(why);
    }

    private String in(Node n, int i) {
        return n.inputs().get(i);
    }

    private Object constant(Node n, int i) throws UnsupportedModelException {
        if (i >= n.inputs().size()) throw refuse("expected at least " + (i + 1) + " arguments");
        Object c = constants.get(in(n, i));
        if (c == null) throw refuse("argument " + i + " (%" + in(n, i) + ") must be a constant, it is computed at run time");
        return c;
    }

    private boolean isNone(Node n, int i) {
        return i >= n.inputs().size() || constants.get(in(n, i)) == TorchGraph.NONE;
    }

    /** A whole number: a Long, or a Double / one-element tensor holding one (integer scalars freeze into tensors, read as floats). */
    private static Long whole(Object c) {
        if (c instanceof Long l) return l;
        if (c instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return d.longValue();
        if (c instanceof FloatTensor t && t.numel() == 1 && t.data()[0] == Math.rint(t.data()[0])) return (long) t.data()[0];
        return null;
    }

    private long integer(Node n, int i) throws UnsupportedModelException {
        Object c = constant(n, i);
        if (whole(c) != null) return whole(c);
        throw refuse("argument " + i + " must be an integer, it is " + c);
    }

    private double number(Node n, int i) throws UnsupportedModelException {
        Object c = constant(n, i);
        if (c instanceof Long l) return l;
        if (c instanceof Double d) return d;
        if (c instanceof FloatTensor t && t.numel() == 1) return t.data()[0];
        throw refuse("argument " + i + " must be a number, it is " + c);
    }

    private boolean bool(Node n, int i) throws UnsupportedModelException {
        Object c = constant(n, i);
        if (c instanceof Boolean b) return b;
        throw refuse("argument " + i + " must be a boolean, it is " + c);
    }

    private long[] ints(Node n, int i) throws UnsupportedModelException {
        Object c = constant(n, i);
        if (c instanceof List<?> l) {
            long[] out = new long[l.size()];
            for (int k = 0; k < out.length; k++) {
                Long v = whole(l.get(k));
                if (v == null) throw refuse("argument " + i + " must be a list of integers, it is " + c);
                out[k] = v;
            }
            return out;
        }
        if (c instanceof Long l) return new long[] {l};
        throw refuse("argument " + i + " must be a list of integers, it is " + c);
    }

    private FloatTensor weight(Node n, int i, String what) throws UnsupportedModelException {
        Object c = constants.get(in(n, i));
        if (c instanceof FloatTensor t) return t;
        throw refuse(what + " must be a constant tensor (a frozen parameter), it is " + (c == null ? "computed at run time" : c));
    }

    private long[] shape(Node n, int i) throws UnsupportedModelException {
        long[] s = shapes.get(in(n, i));
        if (s == null) {
            Object c = constants.get(in(n, i));
            throw refuse("argument " + i + " must be a tensor computed from the inputs" + (c != null ? ", it is the constant " + c : ""));
        }
        return s;
    }

    private String blob(String value) {
        return aliases.getOrDefault(value, value);
    }

    private static int axis(long dim, int rank) {
        long a = dim < 0 ? dim + rank : dim;
        return (int) a;
    }

    private int checkedAxis(long dim, int rank) throws UnsupportedModelException {
        int a = axis(dim, rank);
        if (a < 0 || a >= rank) throw refuse("dimension " + dim + " is out of range for rank " + rank);
        return a;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    // ---- emission ----

    private void emit(String type, int field, List<String> inputs, String output, long[] outShape, ProtoMessage params) {
        List<String> blobs = new ArrayList<>();
        for (String i : inputs) blobs.add(blob(i));
        layers.add(new Layer(type, field, output, blobs, List.of(output), params));
        shapes.put(output, outShape);
        aliases.put(output, output);
    }

    private static ProtoMessage weights(float[] values) {
        return new ProtoMessage().floats(WEIGHT_FLOAT_VALUE, values);
    }

    private void emitMulti(String type, int field, List<String> inputs, List<String> outputs, List<long[]> outShapes, ProtoMessage params) {
        List<String> blobs = new ArrayList<>();
        for (String i : inputs) blobs.add(blob(i));
        layers.add(new Layer(type, field, outputs.get(0), blobs, List.copyOf(outputs), params));
        for (int i = 0; i < outputs.size(); i++) {
            shapes.put(outputs.get(i), outShapes.get(i));
            aliases.put(outputs.get(i), outputs.get(i));
        }
    }

    private String out(Node n) {
        return n.outputs().get(0);
    }

    /**
     * The blob for operand i: a computed tensor, or a constant tensor/number written as a
     * loadConstantND layer (shape [1] for a scalar), so binary ops always see two blobs.
     */
    private String operand(Node n, int i) throws UnsupportedModelException {
        String v = in(n, i);
        if (shapes.containsKey(v)) return v;
        Object c = constants.get(v);
        FloatTensor t;
        if (c instanceof FloatTensor f) t = f;
        else if (c instanceof Long || c instanceof Double) t = new FloatTensor(new long[] {1}, new float[] {(float) number(n, i)});
        else throw refuse("argument " + i + " must be a tensor or a number, it is " + (c == null ? "%" + v : c));
        long[] shape = t.shape().length == 0 ? new long[] {1} : t.shape();
        if (shape.length > 5) throw refuse("a constant of rank " + shape.length + " (Core ML tensors have rank 1 to 5)");
        String name = out(n) + "_const" + i;
        emit("loadConstantND", LAYER_LOAD_CONSTANT_ND, List.of(), name, shape,
                new ProtoMessage().varints(LOAD_CONSTANT_SHAPE, shape).message(LOAD_CONSTANT_DATA, weights(t.data())));
        return name;
    }

    private long[] broadcast(long[] a, long[] b) throws UnsupportedModelException {
        int rank = Math.max(a.length, b.length);
        long[] y = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            long db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) throw refuse("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            y[i] = Math.max(da, db);
        }
        return y;
    }

    // ---- plumbing ----

    void listConstruct(Node n) {
        List<Object> values = new ArrayList<>();
        boolean allConstant = true;
        for (String i : n.inputs()) {
            Object c = constants.get(i);
            if (c == null) allConstant = false;
            values.add(c);
        }
        if (allConstant) constants.put(out(n), values);
        else tensorLists.put(out(n), n.inputs());
    }

    void listUnpack(Node n) throws UnsupportedModelException {
        List<String> parts = tensorLists.get(in(n, 0));
        if (parts == null) throw refuse("unpacks a list that is not built in the graph");
        if (parts.size() != n.outputs().size()) throw refuse("unpacks " + parts.size() + " tensors into " + n.outputs().size() + " values");
        for (int i = 0; i < parts.size(); i++) {
            String o = n.outputs().get(i);
            aliases.put(o, blob(parts.get(i)));
            shapes.put(o, shapes.get(parts.get(i)));
            markView(o, parts.get(i));
        }
    }

    void size(Node n) throws UnsupportedModelException {
        long[] s = shape(n, 0);
        if (n.inputs().size() == 1) {
            List<Object> dims = new ArrayList<>();
            for (long d : s) dims.add(d);
            constants.put(out(n), dims);
        } else {
            constants.put(out(n), s[checkedAxis(integer(n, 1), s.length)]);
        }
    }

    void passConstant(Node n) throws UnsupportedModelException {
        constants.put(out(n), constant(n, 0));
    }

    /** An op that returns its input itself (contiguous, eval-mode dropout): the same storage. */
    void alias(Node n) throws UnsupportedModelException {
        long[] s = shape(n, 0);
        aliases.put(out(n), blob(in(n, 0)));
        shapes.put(out(n), s);
        markView(out(n), in(n, 0));
    }

    /** An op that returns a new tensor with the same values (clone, detach, to(float32)): no layer, no shared storage. */
    void copy(Node n) throws UnsupportedModelException {
        long[] s = shape(n, 0);
        aliases.put(out(n), blob(in(n, 0)));
        shapes.put(out(n), s);
    }

    void dropout(Node n) throws UnsupportedModelException {
        if (bool(n, 2)) throw refuse("is in training mode (call model.eval() before tracing)");
        alias(n);
    }

    void to(Node n) throws UnsupportedModelException {
        // to(dtype, non_blocking, copy, memory_format): float32 (ScalarType 6) only; Core ML NeuralNetworks compute in float.
        Object dtype = constants.get(in(n, 1));
        if (!(dtype instanceof Long d) || d != 6L) throw refuse("converts to dtype " + dtype + "; only float32 (6) is supported");
        copy(n);
    }

    /** zeros/ones with a constant size: a constant tensor (LSTM's initial state, masks). */
    void filledConstant(Node n, float value) throws UnsupportedModelException {
        long[] size = ints(n, 0);
        long count = 1;
        for (long d : size) {
            if (d < 0) throw refuse("negative size " + Arrays.toString(size));
            count = Math.multiplyExact(count, d);
        }
        if (count > (1 << 24)) throw refuse("a constant of " + count + " elements");
        constants.put(out(n), new FloatTensor(size, filled(count, value)));
    }

    // ---- ops ----

    void linear(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        FloatTensor w = weight(n, 1, "the weight");
        if (w.shape().length != 2) throw refuse("weight must be 2-D, it is " + Arrays.toString(w.shape()));
        long outCh = w.shape()[0];
        long inCh = w.shape()[1];
        if (x[x.length - 1] != inCh) throw refuse("input " + Arrays.toString(x) + " does not end in " + inCh);
        FloatTensor b = isNone(n, 2) ? null : weight(n, 2, "the bias");
        long[] y = x.clone();
        y[y.length - 1] = outCh;
        if (x.length <= 3) {
            // InnerProduct weights are (outputChannels x inputChannels) row-major: PyTorch's own layout.
            ProtoMessage p = new ProtoMessage().varint(IP_INPUT_CHANNELS, inCh).varint(IP_OUTPUT_CHANNELS, outCh)
                    .bool(IP_HAS_BIAS, b != null).message(IP_WEIGHTS, weights(w.data()));
            if (b != null) p.message(IP_BIAS, weights(b.data()));
            emit("innerProduct", LAYER_INNER_PRODUCT, List.of(in(n, 0)), out(n), y, p);
        } else {
            // batchedMatmul computes x @ W with W (inCh x outCh) stored column-major, which is W^T row-major:
            // exactly PyTorch's (outCh x inCh) row-major weight.
            ProtoMessage p = new ProtoMessage().varint(BMM_WEIGHT_ROWS, inCh).varint(BMM_WEIGHT_COLUMNS, outCh)
                    .bool(BMM_HAS_BIAS, b != null).message(BMM_WEIGHTS, weights(w.data()));
            if (b != null) p.message(BMM_BIAS, weights(b.data()));
            emit("batchedMatmul", LAYER_BATCHED_MATMUL, List.of(in(n, 0)), out(n), y, p);
        }
    }

    private static float[] transpose2d(FloatTensor w) {
        int r = (int) w.shape()[0];
        int c = (int) w.shape()[1];
        float[] t = new float[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) t[j * r + i] = w.data()[i * c + j];
        return t;
    }

    /** aten::_convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, ...). */
    void convolutionUnderscore(Node n) throws UnsupportedModelException {
        boolean transposed = bool(n, 6);
        if (transposed) convTranspose(n, ints(n, 3), ints(n, 4), ints(n, 7), integer(n, 8), ints(n, 5));
        else convolution(n, ints(n, 3), paddingArg(n, 4), ints(n, 5), integer(n, 8));
    }

    /** aten::conv1d/conv2d(input, weight, bias, stride, padding, dilation, groups); padding may be 'same'/'valid'. */
    void convolutionPlain(Node n) throws UnsupportedModelException {
        convolution(n, ints(n, 3), paddingArg(n, 4), ints(n, 5), integer(n, 6));
    }

    /** aten::conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation). */
    void convTransposePlain(Node n) throws UnsupportedModelException {
        convTranspose(n, ints(n, 3), ints(n, 4), ints(n, 5), integer(n, 6), ints(n, 7));
    }

    private Object paddingArg(Node n, int i) throws UnsupportedModelException {
        Object c = constant(n, i);
        if (c instanceof String s) {
            if (!s.equals("same") && !s.equals("valid")) throw refuse("padding '" + s + "'");
            return s;
        }
        return ints(n, i);
    }

    private void convolution(Node n, long[] stride, Object paddingSpec, long[] dilation, long groups) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        FloatTensor w = weight(n, 1, "the weight");
        FloatTensor b = isNone(n, 2) ? null : weight(n, 2, "the bias");
        int spatial = w.shape().length - 2;
        if (spatial != 1 && spatial != 2) throw refuse(spatial + "-D convolution is not supported (1-D and 2-D are)");
        if (x.length != spatial + 2) throw refuse("input " + Arrays.toString(x) + " must be batched (N, C, ...) with " + spatial + " spatial dimension(s)");
        stride = expand(stride, spatial);
        dilation = expand(dilation, spatial);
        long outCh = w.shape()[0];
        long kernelCh = w.shape()[1];
        if (groups <= 0 || x[1] != kernelCh * groups) throw refuse("input has " + x[1] + " channels, the weight expects " + kernelCh * groups);
        long[] kernel = Arrays.copyOfRange(w.shape(), 2, w.shape().length);
        long[] padStart = new long[spatial];
        long[] padEnd = new long[spatial];
        if (paddingSpec instanceof String s) {
            if (s.equals("same")) {
                for (int i = 0; i < spatial; i++) {
                    if (stride[i] != 1) throw refuse("padding='same' with stride " + stride[i]);
                    // PyTorch puts the odd element of the total padding at the end.
                    long total = dilation[i] * (kernel[i] - 1);
                    padStart[i] = total / 2;
                    padEnd[i] = total - total / 2;
                }
            }
        } else {
            long[] padding = expand((long[]) paddingSpec, spatial);
            padStart = padding;
            padEnd = padding;
        }
        long[] y = new long[x.length];
        y[0] = x[0];
        y[1] = outCh;
        for (int i = 0; i < spatial; i++) {
            y[2 + i] = Math.floorDiv(x[2 + i] + padStart[i] + padEnd[i] - dilation[i] * (kernel[i] - 1) - 1, stride[i]) + 1;
            if (y[2 + i] <= 0) throw refuse("output would be empty for input " + Arrays.toString(x));
        }
        String out = out(n);
        String input = in(n, 0);
        if (spatial == 1) {
            // Core ML convolves 2-D only: (N, C, L) -> (N, C, 1, L), convolve with a 1xK kernel, squeeze back.
            String expanded = out + "_expanded";
            emit("expandDims", LAYER_EXPAND_DIMS, List.of(input), expanded, new long[] {x[0], x[1], 1, x[2]},
                    new ProtoMessage().varints(DIMS_AXES, new long[] {-2}));
            input = expanded;
            kernel = new long[] {1, kernel[0]};
            stride = new long[] {1, stride[0]};
            dilation = new long[] {1, dilation[0]};
            padStart = new long[] {0, padStart[0]};
            padEnd = new long[] {0, padEnd[0]};
        }
        ProtoMessage border = new ProtoMessage();
        for (int i = 0; i < 2; i++) border.message(BORDER_AMOUNTS, new ProtoMessage().varint(EDGE_START, padStart[i]).varint(EDGE_END, padEnd[i]));
        // Weights (outputChannels, kernelChannels, kH, kW) row-major: PyTorch's layout.
        ProtoMessage p = new ProtoMessage().varint(CONV_OUTPUT_CHANNELS, outCh).varint(CONV_KERNEL_CHANNELS, kernelCh)
                .varint(CONV_N_GROUPS, groups).varints(CONV_KERNEL_SIZE, kernel).varints(CONV_STRIDE, stride)
                .varints(CONV_DILATION, dilation)
                .message(CONV_VALID, new ProtoMessage().message(VALID_PADDING_AMOUNTS, border))
                .bool(CONV_HAS_BIAS, b != null).message(CONV_WEIGHTS, weights(w.data()));
        if (b != null) p.message(CONV_BIAS, weights(b.data()));
        if (spatial == 1) {
            String conv = out + "_conv";
            emit("convolution", LAYER_CONVOLUTION, List.of(input), conv, new long[] {y[0], y[1], 1, y[2]}, p);
            emit("squeeze", LAYER_SQUEEZE, List.of(conv), out, y, new ProtoMessage().varints(DIMS_AXES, new long[] {-2}));
        } else {
            emit("convolution", LAYER_CONVOLUTION, List.of(input), out, y, p);
        }
    }

    /**
     * Transposed 2-D convolution as coremltools writes it: a deconvolution without padding to the full
     * output, then the padding cropped off with a slice.
     */
    private void convTranspose(Node n, long[] stride, long[] padding, long[] outputPadding, long groups, long[] dilation) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        FloatTensor w = weight(n, 1, "the weight");
        FloatTensor b = isNone(n, 2) ? null : weight(n, 2, "the bias");
        if (w.shape().length != 4 || x.length != 4) throw refuse("only 2-D transposed convolution of a batched (N, C, H, W) input is supported");
        stride = expand(stride, 2);
        padding = expand(padding, 2);
        outputPadding = expand(outputPadding, 2);
        for (long d : expand(dilation, 2)) if (d != 1) throw refuse("dilated transposed convolution is not supported");
        long inCh = w.shape()[0];
        long outPerGroup = w.shape()[1];
        if (groups <= 0 || x[1] != inCh || inCh % groups != 0) throw refuse("input has " + x[1] + " channels, the weight expects " + inCh);
        long[] full = new long[2];
        long[] y = {x[0], outPerGroup * groups, 0, 0};
        for (int i = 0; i < 2; i++) {
            full[i] = (x[2 + i] - 1) * stride[i] + w.shape()[2 + i];
            if (outputPadding[i] > padding[i]) throw refuse("output_padding " + outputPadding[i] + " larger than padding " + padding[i] + " is not supported");
            y[2 + i] = full[i] - 2 * padding[i] + outputPadding[i];
            if (y[2 + i] <= 0) throw refuse("output would be empty for input " + Arrays.toString(x));
        }
        boolean crop = padding[0] > 0 || padding[1] > 0;
        String out = out(n);
        String deconv = crop ? out + "_full" : out;
        ProtoMessage border = new ProtoMessage().message(BORDER_AMOUNTS, new ProtoMessage()).message(BORDER_AMOUNTS, new ProtoMessage());
        // Deconvolution weights are (kernelChannels = input channels, outputChannels / groups, kH, kW): PyTorch's layout.
        ProtoMessage p = new ProtoMessage().varint(CONV_OUTPUT_CHANNELS, y[1]).varint(CONV_KERNEL_CHANNELS, inCh)
                .varint(CONV_N_GROUPS, groups).varints(CONV_KERNEL_SIZE, new long[] {w.shape()[2], w.shape()[3]})
                .varints(CONV_STRIDE, stride).varints(CONV_DILATION, new long[] {1, 1})
                .message(CONV_VALID, new ProtoMessage().message(VALID_PADDING_AMOUNTS, border))
                .bool(CONV_IS_DECONVOLUTION, true)
                .bool(CONV_HAS_BIAS, b != null).message(CONV_WEIGHTS, weights(w.data()));
        if (b != null) p.message(CONV_BIAS, weights(b.data()));
        p.varints(CONV_OUTPUT_SHAPE, full);
        emit("convolution", LAYER_CONVOLUTION, List.of(in(n, 0)), deconv, new long[] {y[0], y[1], full[0], full[1]}, p);
        if (crop) {
            long[] begin = {0, 0, padding[0], padding[1]};
            long[] end = {y[0], y[1], padding[0] + y[2], padding[1] + y[3]};
            emitSlice(deconv, out, begin, end, new long[] {1, 1, 1, 1}, new long[] {1, 1, 0, 0}, y);
        }
    }

    private long[] expand(long[] v, int n) throws UnsupportedModelException {
        if (v.length == n) return v;
        if (v.length == 1) {
            long[] out = new long[n];
            Arrays.fill(out, v[0]);
            return out;
        }
        throw refuse("expected " + n + " values, got " + Arrays.toString(v));
    }

    void batchNorm(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length != 4) throw refuse("batch norm of a rank-" + x.length + " input is not supported (rank 4 is, or one after a convolution)");
        if (bool(n, 5)) throw refuse("is in training mode (call model.eval() before tracing)");
        long c = x[1];
        FloatTensor mean = weight(n, 3, "running_mean");
        FloatTensor var = weight(n, 4, "running_var");
        float[] gamma = isNone(n, 1) ? filled(c, 1f) : weight(n, 1, "the weight").data();
        float[] beta = isNone(n, 2) ? filled(c, 0f) : weight(n, 2, "the bias").data();
        ProtoMessage p = new ProtoMessage().varint(BN_CHANNELS, c).floatValue(BN_EPSILON, (float) number(n, 7))
                .message(BN_GAMMA, weights(gamma)).message(BN_BETA, weights(beta))
                .message(BN_MEAN, weights(mean.data())).message(BN_VARIANCE, weights(var.data()));
        emit("batchnorm", LAYER_BATCHNORM, List.of(in(n, 0)), out(n), x, p);
    }

    private static float[] filled(long n, float v) {
        float[] f = new float[(int) n];
        Arrays.fill(f, v);
        return f;
    }

    // ---- activations ----

    private void activation(Node n, String output, int which, ProtoMessage params) throws UnsupportedModelException {
        emit("activation", LAYER_ACTIVATION, List.of(in(n, 0)), output, shape(n, 0), new ProtoMessage().message(which, params));
    }

    void relu(Node n) throws UnsupportedModelException {
        activation(n, out(n), ACTIVATION_RELU, new ProtoMessage());
    }

    void tanh(Node n) throws UnsupportedModelException {
        activation(n, out(n), ACTIVATION_TANH, new ProtoMessage());
    }

    void sigmoid(Node n) throws UnsupportedModelException {
        activation(n, out(n), ACTIVATION_SIGMOID, new ProtoMessage());
    }

    void hardsigmoid(Node n) throws UnsupportedModelException {
        // relu6(x + 3) / 6 = min(max(x/6 + 1/2, 0), 1): Core ML's sigmoidHard.
        activation(n, out(n), ACTIVATION_SIGMOID_HARD, hardSigmoidParams());
    }

    private static ProtoMessage hardSigmoidParams() {
        return new ProtoMessage().floatValue(ACTIVATION_ALPHA, 1f / 6f).floatValue(ACTIVATION_BETA, 0.5f);
    }

    void hardswish(Node n) throws UnsupportedModelException {
        String gate = out(n) + "_hardsigmoid";
        activation(n, gate, ACTIVATION_SIGMOID_HARD, hardSigmoidParams());
        emit("multiply", LAYER_MULTIPLY, List.of(in(n, 0), gate), out(n), shape(n, 0), new ProtoMessage());
    }

    void silu(Node n) throws UnsupportedModelException {
        String gate = out(n) + "_sigmoid";
        activation(n, gate, ACTIVATION_SIGMOID, new ProtoMessage());
        emit("multiply", LAYER_MULTIPLY, List.of(in(n, 0), gate), out(n), shape(n, 0), new ProtoMessage());
    }

    void leakyRelu(Node n) throws UnsupportedModelException {
        double slope = n.inputs().size() > 1 ? number(n, 1) : 0.01;
        activation(n, out(n), ACTIVATION_LEAKY_RELU, new ProtoMessage().floatValue(ACTIVATION_ALPHA, (float) slope));
    }

    void elu(Node n) throws UnsupportedModelException {
        // elu(x, alpha, scale, input_scale): only the plain form.
        if (n.inputs().size() > 2 && (number(n, 2) != 1.0 || number(n, 3) != 1.0)) throw refuse("elu with scale or input_scale other than 1");
        activation(n, out(n), ACTIVATION_ELU, new ProtoMessage().floatValue(ACTIVATION_ALPHA, (float) number(n, 1)));
    }

    void neg(Node n) throws UnsupportedModelException {
        activation(n, out(n), ACTIVATION_LINEAR, new ProtoMessage().floatValue(ACTIVATION_ALPHA, -1f).floatValue(ACTIVATION_BETA, 0f));
    }

    void gelu(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        String approximate = n.inputs().size() > 1 ? String.valueOf(constant(n, 1)) : "none";
        int mode = switch (approximate) {
            case "none" -> GELU_EXACT;
            case "tanh" -> GELU_TANH_APPROXIMATION;
            default -> throw refuse("gelu approximate='" + approximate + "' is not supported");
        };
        emit("gelu", LAYER_GELU, List.of(in(n, 0)), out(n), x, new ProtoMessage().varint(GELU_MODE, mode));
    }

    /** hardtanh(x, min, max) and relu6: a clip layer. */
    void hardtanh(Node n) throws UnsupportedModelException {
        double lo = n.inputs().size() > 1 ? number(n, 1) : -1.0;
        double hi = n.inputs().size() > 2 ? number(n, 2) : 1.0;
        clip(n, lo, hi);
    }

    void relu6(Node n) throws UnsupportedModelException {
        clip(n, 0, 6);
    }

    /** clamp(x, min=None, max=None): a clip layer, an absent bound being the largest float. */
    void clamp(Node n) throws UnsupportedModelException {
        double lo = isNone(n, 1) ? -Float.MAX_VALUE : number(n, 1);
        double hi = isNone(n, 2) ? Float.MAX_VALUE : number(n, 2);
        if (isNone(n, 1) && isNone(n, 2)) throw refuse("clamp without bounds");
        clip(n, lo, hi);
    }

    private void clip(Node n, double lo, double hi) throws UnsupportedModelException {
        if (!(lo <= hi)) throw refuse("min " + lo + " is above max " + hi);
        emit("clip", LAYER_CLIP, List.of(in(n, 0)), out(n), shape(n, 0),
                new ProtoMessage().floatValue(CLIP_MIN, (float) lo).floatValue(CLIP_MAX, (float) hi));
    }

    /** An elementwise unary layer of {@code type} (abs, exp, log, sqrt, rsqrt, inverse) on the node's input. */
    void unary(Node n, int type) throws UnsupportedModelException {
        unaryTo(n, in(n, 0), type);
    }

    private void unaryTo(Node n, String input, int type) throws UnsupportedModelException {
        emit("unary", LAYER_UNARY, List.of(input), out(n), shape(n, 0), new ProtoMessage().varint(UNARY_TYPE, type)
                .floatValue(UNARY_ALPHA, 1f).floatValue(UNARY_SCALE, 1f));
    }

    void round(Node n) throws UnsupportedModelException {
        if (n.inputs().size() > 1 && !isNone(n, 1) && integer(n, 1) != 0) throw refuse("round with decimals is not supported");
        emit("round", LAYER_ROUND, List.of(in(n, 0)), out(n), shape(n, 0), new ProtoMessage());
    }

    void softmax(Node n) throws UnsupportedModelException {
        softmaxTo(n, out(n));
    }

    private void softmaxTo(Node n, String output) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (!isNone(n, 2)) throw refuse("softmax with a dtype argument is not supported");
        long dim = integer(n, 1);
        checkedAxis(dim, x.length);
        emit("softmaxND", LAYER_SOFTMAX_ND, List.of(in(n, 0)), output, x, new ProtoMessage().varint(AXIS, dim));
    }

    void logSoftmax(Node n) throws UnsupportedModelException {
        String soft = out(n) + "_softmax";
        softmaxTo(n, soft);
        unaryTo(n, soft, UNARY_LOG);
    }

    // ---- pooling ----

    void maxPool(Node n) throws UnsupportedModelException {
        long[] kernel = expand(ints(n, 1), 2);
        long[] stride = ints(n, 2);
        stride = stride.length == 0 ? kernel : expand(stride, 2);
        long[] padding = expand(ints(n, 3), 2);
        for (long d : expand(ints(n, 4), 2)) if (d != 1) throw refuse("dilated max pooling is not supported");
        pool(n, POOL_MAX, kernel, stride, padding, bool(n, 5), true);
    }

    void avgPool(Node n) throws UnsupportedModelException {
        long[] kernel = expand(ints(n, 1), 2);
        long[] stride = ints(n, 2);
        stride = stride.length == 0 ? kernel : expand(stride, 2);
        long[] padding = expand(ints(n, 3), 2);
        boolean countIncludePad = bool(n, 5);
        if (!isNone(n, 6)) throw refuse("divisor_override is not supported");
        pool(n, POOL_AVERAGE, kernel, stride, padding, bool(n, 4), !countIncludePad);
    }

    /**
     * Pooling with explicit start/end padding. ceil_mode adds end padding so that Core ML's floor
     * formula gives PyTorch's ceil'd size (PyTorch drops a last window that would start in the end
     * padding). Max pooling ignores padding; average pooling must then not count it, which matches
     * PyTorch only where PyTorch itself counts no padding in those windows.
     */
    private void pool(Node n, int type, long[] kernel, long[] stride, long[] padding, boolean ceil, boolean excludePad) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length != 4) throw refuse("pooling needs a batched (N, C, H, W) input, got " + Arrays.toString(x));
        long[] y = {x[0], x[1], 0, 0};
        long[] extra = new long[2];
        for (int i = 0; i < 2; i++) {
            if (padding[i] * 2 > kernel[i]) throw refuse("padding larger than half the kernel");
            long span = x[2 + i] + 2 * padding[i] - kernel[i];
            if (span < 0) throw refuse("output would be empty for input " + Arrays.toString(x));
            long size = (ceil ? Math.floorDiv(span + stride[i] - 1, stride[i]) : Math.floorDiv(span, stride[i])) + 1;
            if (ceil && (size - 1) * stride[i] >= x[2 + i] + padding[i]) size--;
            y[2 + i] = size;
            extra[i] = Math.max(0, (size - 1) * stride[i] + kernel[i] - (x[2 + i] + 2 * padding[i]));
        }
        if ((extra[0] > 0 || extra[1] > 0) && type == POOL_AVERAGE && !excludePad && (padding[0] > 0 || padding[1] > 0)) {
            throw refuse("ceil_mode=True with padding and count_include_pad=True is not supported (the divisor would differ from PyTorch's)");
        }
        if (extra[0] > 0 || extra[1] > 0) excludePad = true; // PyTorch never counts the ceil overhang
        ProtoMessage border = new ProtoMessage();
        for (int i = 0; i < 2; i++) {
            border.message(BORDER_AMOUNTS, new ProtoMessage().varint(EDGE_START, padding[i]).varint(EDGE_END, padding[i] + extra[i]));
        }
        ProtoMessage p = new ProtoMessage().varint(POOL_TYPE, type).varints(POOL_KERNEL_SIZE, kernel).varints(POOL_STRIDE, stride)
                .message(POOL_VALID, new ProtoMessage().message(VALID_PADDING_AMOUNTS, border)).bool(POOL_EXCLUDE_PADDING, excludePad);
        emit("pooling", LAYER_POOLING, List.of(in(n, 0)), out(n), y, p);
    }

    void adaptiveAvgPool(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length != 4) throw refuse("adaptive pooling needs a batched (N, C, H, W) input, got " + Arrays.toString(x));
        long[] size = expand(ints(n, 1), 2);
        long[] y = {x[0], x[1], size[0], size[1]};
        if (size[0] == 1 && size[1] == 1) {
            ProtoMessage border = new ProtoMessage().message(BORDER_AMOUNTS, new ProtoMessage()).message(BORDER_AMOUNTS, new ProtoMessage());
            ProtoMessage p = new ProtoMessage().varint(POOL_TYPE, POOL_AVERAGE).varints(POOL_KERNEL_SIZE, new long[] {0, 0})
                    .varints(POOL_STRIDE, new long[] {0, 0}).message(POOL_VALID, new ProtoMessage().message(VALID_PADDING_AMOUNTS, border))
                    .bool(POOL_EXCLUDE_PADDING, true).bool(POOL_GLOBAL, true);
            emit("pooling", LAYER_POOLING, List.of(in(n, 0)), out(n), y, p);
            return;
        }
        long[] kernel = new long[2];
        for (int i = 0; i < 2; i++) {
            if (size[i] <= 0 || x[2 + i] % size[i] != 0) {
                throw refuse("output size " + Arrays.toString(size) + " does not divide the input " + Arrays.toString(x) + " (uneven windows)");
            }
            kernel[i] = x[2 + i] / size[i];
        }
        pool(n, POOL_AVERAGE, kernel, kernel, new long[] {0, 0}, false, true);
    }

    // ---- element-wise ----

    void add(Node n) throws UnsupportedModelException {
        arithmetic(n, '+');
    }

    void sub(Node n) throws UnsupportedModelException {
        arithmetic(n, '-');
    }

    void mul(Node n) throws UnsupportedModelException {
        arithmetic(n, '*');
    }

    void div(Node n) throws UnsupportedModelException {
        if (foldNumbers(n, '/')) return;
        if (n.inputs().size() > 2 && !isNone(n, 2)) throw refuse("div with rounding_mode is not supported on tensors");
        arithmetic(n, '/');
    }

    private static boolean isNumber(Object c) {
        return c instanceof Long || c instanceof Double || (c instanceof FloatTensor t && t.numel() == 1);
    }

    /**
     * Shape arithmetic on static sizes ({@code head_dim = E // num_heads}, traced as ops on
     * NumToTensor'd sizes) is folded into a constant instead of becoming layers.
     */
    private boolean foldNumbers(Node n, char op) throws UnsupportedModelException {
        Object a = constants.get(in(n, 0));
        Object b = constants.get(in(n, 1));
        if (shapes.containsKey(in(n, 0)) || shapes.containsKey(in(n, 1)) || !isNumber(a) || !isNumber(b)) return false;
        double alpha = (op == '+' || op == '-') && n.inputs().size() > 2 ? number(n, 2) : 1.0;
        boolean integral = a instanceof Long && b instanceof Long && alpha == Math.rint(alpha);
        double x = number(n, 0);
        double y = number(n, 1) * alpha;
        Object result;
        if (op == '/') {
            String mode = n.inputs().size() > 2 && !isNone(n, 2) ? String.valueOf(constant(n, 2)) : "none";
            if (y == 0) throw refuse("division by the constant 0");
            double q = x / y;
            result = switch (mode) {
                case "trunc" -> integral ? (Object) (long) q : (Object) (double) (long) q;
                case "floor" -> integral ? (Object) Math.floorDiv((long) x, (long) y) : (Object) Math.floor(q);
                case "none" -> q;
                default -> throw refuse("rounding_mode '" + mode + "'");
            };
        } else {
            double r = op == '+' ? x + y : op == '-' ? x - y : x * y;
            result = integral ? (Object) (long) r : (Object) r;
        }
        constants.put(out(n), result);
        return true;
    }

    /**
     * a op b (add/sub with alpha). A number operand becomes the alpha of an add or multiply layer;
     * equal shapes use add/multiply; anything else (different shapes, constant tensors) the
     * broadcastable layers, a constant tensor being loaded with loadConstantND.
     */
    private void arithmetic(Node n, char op) throws UnsupportedModelException {
        if (foldNumbers(n, op)) return;
        double alpha = (op == '+' || op == '-') && n.inputs().size() > 2 ? number(n, 2) : 1.0;
        String b = in(n, 1);
        // A constant left operand (param * x) is loaded like a constant right one.
        String aBlob = shapes.containsKey(in(n, 0)) ? in(n, 0) : operand(n, 0);
        long[] a = shapes.get(aBlob);
        Object bc = constants.get(b);
        boolean scalar = !shapes.containsKey(b) && (bc instanceof Long || bc instanceof Double
                || (bc instanceof FloatTensor t && t.shape().length == 0));
        if (scalar) {
            double s = number(n, 1) * alpha;
            if (op == '/' && s == 0) throw refuse("division by the constant 0");
            float value = (float) switch (op) {
                case '+' -> s;
                case '-' -> -s;
                case '*' -> s;
                default -> 1.0 / s;
            };
            boolean isAdd = op == '+' || op == '-';
            emit(isAdd ? "add" : "multiply", isAdd ? LAYER_ADD : LAYER_MULTIPLY, List.of(aBlob), out(n), a,
                    new ProtoMessage().floatValue(ELEMENTWISE_ALPHA, value));
            return;
        }
        if (alpha != 1.0) throw refuse((op == '+' ? "add" : "sub") + " of two tensors with alpha=" + alpha + " is not supported");
        String bBlob = operand(n, 1);
        long[] bs = shapes.get(bBlob);
        long[] y = broadcast(a, bs);
        if (Arrays.equals(a, bs) && (op == '+' || op == '*')) {
            emit(op == '+' ? "add" : "multiply", op == '+' ? LAYER_ADD : LAYER_MULTIPLY, List.of(aBlob, bBlob), out(n), y, new ProtoMessage());
            return;
        }
        switch (op) {
            case '+' -> emit("addBroadcastable", LAYER_ADD_BROADCASTABLE, List.of(aBlob, bBlob), out(n), y, new ProtoMessage());
            case '-' -> emit("subtractBroadcastable", LAYER_SUBTRACT_BROADCASTABLE, List.of(aBlob, bBlob), out(n), y, new ProtoMessage());
            case '*' -> emit("multiplyBroadcastable", LAYER_MULTIPLY_BROADCASTABLE, List.of(aBlob, bBlob), out(n), y, new ProtoMessage());
            default -> emit("divideBroadcastable", LAYER_DIVIDE_BROADCASTABLE, List.of(aBlob, bBlob), out(n), y, new ProtoMessage());
        }
    }

    /**
     * a > b (greaterThan), a < b (lessThan): 1.0 / 0.0 in float (Core ML has no bool tensors); a
     * number b is the layer's alpha.
     */
    void compare(Node n, String type, int field) throws UnsupportedModelException {
        long[] a = shape(n, 0);
        String b = in(n, 1);
        Object bc = constants.get(b);
        if (!shapes.containsKey(b) && (bc instanceof Long || bc instanceof Double)) {
            emit(type, field, List.of(in(n, 0)), out(n), a, new ProtoMessage().floatValue(COMPARE_ALPHA, (float) number(n, 1)));
            return;
        }
        String bBlob = operand(n, 1);
        emit(type, field, List.of(in(n, 0), bBlob), out(n), broadcast(a, shapes.get(bBlob)), new ProtoMessage());
    }

    /** where(condition, a, b): the condition is a comparison's 0/1 result. */
    void where(Node n) throws UnsupportedModelException {
        String cond = operand(n, 0);
        String a = operand(n, 1);
        String b = operand(n, 2);
        long[] y = broadcast(broadcast(shapes.get(cond), shapes.get(a)), shapes.get(b));
        emit("whereBroadcastable", LAYER_WHERE_BROADCASTABLE, List.of(cond, a, b), out(n), y, new ProtoMessage());
    }

    // ---- reductions ----

    /** mean/sum(x, dims, keepdim, dtype=None); mean/sum(x, dtype=None) reduces everything. */
    void reduce(Node n, String type, int field) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        boolean all = n.inputs().size() <= 2;
        long[] dims;
        boolean keep;
        if (all) {
            if (!isNone(n, 1)) throw refuse("a dtype argument is not supported");
            dims = new long[x.length];
            for (int i = 0; i < x.length; i++) dims[i] = i;
            keep = false;
        } else {
            if (!isNone(n, 3)) throw refuse("a dtype argument is not supported");
            Object d = constant(n, 1);
            dims = d == TorchGraph.NONE ? null : ints(n, 1);
            if (dims == null || dims.length == 0) {
                dims = new long[x.length];
                for (int i = 0; i < x.length; i++) dims[i] = i;
            }
            keep = bool(n, 2);
        }
        boolean[] reduced = new boolean[x.length];
        long[] axes = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int a = checkedAxis(dims[i], x.length);
            if (reduced[a]) throw refuse("dimension " + dims[i] + " given twice");
            reduced[a] = true;
            axes[i] = a;
        }
        List<Long> y = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!reduced[i]) y.add(x[i]);
            else if (keep) y.add(1L);
        }
        if (y.isEmpty()) throw refuse("reduces to a scalar (rank 0), which Core ML cannot return; use keepdim=True");
        emit(type, field, List.of(in(n, 0)), out(n), y.stream().mapToLong(Long::longValue).toArray(),
                new ProtoMessage().varints(REDUCE_AXES, axes).bool(REDUCE_KEEP_DIMS, keep).bool(REDUCE_ALL, false));
    }

    // ---- matrix products ----

    void matmul(Node n) throws UnsupportedModelException {
        long[] a = shape(n, 0);
        String bName = in(n, 1);
        if (a.length < 2) throw refuse("matmul of a rank-" + a.length + " left operand is not supported");
        if (!shapes.containsKey(bName)) {
            FloatTensor w = weight(n, 1, "the right operand");
            if (w.shape().length != 2) throw refuse("a constant right operand must be 2-D, it is " + Arrays.toString(w.shape()));
            if (a[a.length - 1] != w.shape()[0]) throw refuse("shapes " + Arrays.toString(a) + " and " + Arrays.toString(w.shape()) + " do not multiply");
            long[] y = a.clone();
            y[y.length - 1] = w.shape()[1];
            // x @ W, W (rows x columns) stored column-major: the transpose of PyTorch's row-major W.
            ProtoMessage p = new ProtoMessage().varint(BMM_WEIGHT_ROWS, w.shape()[0]).varint(BMM_WEIGHT_COLUMNS, w.shape()[1])
                    .bool(BMM_HAS_BIAS, false).message(BMM_WEIGHTS, weights(transpose2d(w)));
            emit("batchedMatmul", LAYER_BATCHED_MATMUL, List.of(in(n, 0)), out(n), y, p);
            return;
        }
        long[] b = shapes.get(bName);
        if (b.length < 2) throw refuse("matmul of a rank-" + b.length + " right operand is not supported");
        if (a[a.length - 1] != b[b.length - 2]) throw refuse("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not multiply");
        long[] batch = broadcast(Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2));
        long[] y = Arrays.copyOf(batch, batch.length + 2);
        y[batch.length] = a[a.length - 2];
        y[batch.length + 1] = b[b.length - 1];
        emit("batchedMatmul", LAYER_BATCHED_MATMUL, List.of(in(n, 0), bName), out(n), y, new ProtoMessage());
    }

    void bmm(Node n) throws UnsupportedModelException {
        long[] a = shape(n, 0);
        long[] b = shape(n, 1);
        if (a.length != 3 || b.length != 3 || a[0] != b[0] || a[2] != b[1]) {
            throw refuse("bmm of " + Arrays.toString(a) + " and " + Arrays.toString(b));
        }
        emit("batchedMatmul", LAYER_BATCHED_MATMUL, List.of(in(n, 0), in(n, 1)), out(n), new long[] {a[0], a[1], b[2]}, new ProtoMessage());
    }

    // ---- layout ----

    void transpose(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        int d0 = checkedAxis(integer(n, 1), x.length);
        int d1 = checkedAxis(integer(n, 2), x.length);
        long[] perm = new long[x.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[d0] = d1;
        perm[d1] = d0;
        emitTranspose(n, x, perm);
    }

    void permute(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        long[] dims = ints(n, 1);
        if (dims.length != x.length) throw refuse("permutation " + Arrays.toString(dims) + " does not match rank " + x.length);
        long[] perm = new long[x.length];
        boolean[] seen = new boolean[x.length];
        for (int i = 0; i < dims.length; i++) {
            int a = checkedAxis(dims[i], x.length);
            if (seen[a]) throw refuse("permutation " + Arrays.toString(dims) + " repeats a dimension");
            seen[a] = true;
            perm[i] = a;
        }
        emitTranspose(n, x, perm);
    }

    private void emitTranspose(Node n, long[] x, long[] perm) {
        long[] y = new long[x.length];
        for (int i = 0; i < y.length; i++) y[i] = x[(int) perm[i]];
        emit("transpose", LAYER_TRANSPOSE, List.of(in(n, 0)), out(n), y, new ProtoMessage().varints(TRANSPOSE_AXES, perm));
        markView(out(n), in(n, 0));
    }

    void reshape(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        long[] target = ints(n, 1).clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (unknown >= 0) throw refuse("more than one -1 in " + Arrays.toString(target));
                unknown = i;
            } else if (target[i] <= 0) {
                throw refuse("dimension " + target[i] + " in " + Arrays.toString(target));
            } else {
                known *= target[i];
            }
        }
        if (unknown >= 0) target[unknown] = known == 0 ? 0 : numel(x) / known;
        if (numel(target) != numel(x)) throw refuse("cannot reshape " + Arrays.toString(x) + " to " + Arrays.toString(ints(n, 1)));
        emitReshape(n, target);
    }

    private void emitReshape(Node n, long[] target) throws UnsupportedModelException {
        if (target.length == 0 || target.length > 5) throw refuse("Core ML tensors have rank 1 to 5, the result would have rank " + target.length);
        emit("reshapeStatic", LAYER_RESHAPE_STATIC, List.of(in(n, 0)), out(n), target,
                new ProtoMessage().varints(RESHAPE_TARGET_SHAPE, target));
        markView(out(n), in(n, 0));
    }

    void flatten(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length == 0) throw refuse("flatten of a scalar");
        int start = checkedAxis(integer(n, 1), x.length);
        int end = checkedAxis(integer(n, 2), x.length);
        if (end < start) throw refuse("flatten end before start");
        List<Long> y = new ArrayList<>();
        for (int i = 0; i < start; i++) y.add(x[i]);
        long m = 1;
        for (int i = start; i <= end; i++) m *= x[i];
        y.add(m);
        for (int i = end + 1; i < x.length; i++) y.add(x[i]);
        emitReshape(n, y.stream().mapToLong(Long::longValue).toArray());
    }

    void unsqueeze(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        int axis = checkedAxis(integer(n, 1), x.length + 1);
        if (x.length + 1 > 5) throw refuse("the result would have rank " + (x.length + 1) + " (Core ML: at most 5)");
        long[] y = new long[x.length + 1];
        for (int i = 0, j = 0; i < y.length; i++) y[i] = i == axis ? 1 : x[j++];
        emit("expandDims", LAYER_EXPAND_DIMS, List.of(in(n, 0)), out(n), y, new ProtoMessage().varints(DIMS_AXES, new long[] {axis}));
        markView(out(n), in(n, 0));
    }

    void squeeze(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        List<Long> axes = new ArrayList<>();
        if (n.inputs().size() > 1) {
            int a = checkedAxis(integer(n, 1), x.length);
            if (x[a] == 1) axes.add((long) a);
        } else {
            for (int i = 0; i < x.length; i++) if (x[i] == 1) axes.add((long) i);
        }
        if (axes.isEmpty()) {
            alias(n); // squeezing a dimension that is not 1 returns the tensor unchanged
            return;
        }
        if (axes.size() == x.length) throw refuse("squeezes to a scalar (rank 0), which Core ML cannot hold");
        long[] y = new long[x.length - axes.size()];
        for (int i = 0, j = 0; i < x.length; i++) if (!axes.contains((long) i)) y[j++] = x[i];
        emit("squeeze", LAYER_SQUEEZE, List.of(in(n, 0)), out(n), y,
                new ProtoMessage().varints(DIMS_AXES, axes.stream().mapToLong(Long::longValue).toArray()));
        markView(out(n), in(n, 0));
    }

    void cat(Node n) throws UnsupportedModelException {
        List<String> parts = tensorLists.get(in(n, 0));
        if (parts == null) throw refuse("the tensor list must be built in the graph (prim::ListConstruct)");
        long[] first = shapes.get(parts.get(0));
        if (first == null) throw refuse("concatenating constants is not supported");
        int axis = checkedAxis(integer(n, 1), first.length);
        long[] y = first.clone();
        y[axis] = 0;
        for (String p : parts) {
            long[] s = shapes.get(p);
            if (s == null) throw refuse("concatenating constants is not supported");
            for (int i = 0; i < s.length; i++) {
                if (i != axis && (s.length != first.length || s[i] != first[i])) throw refuse("shapes do not match for concatenation");
            }
            y[axis] += s[axis];
        }
        emit("concatND", LAYER_CONCAT_ND, parts, out(n), y, new ProtoMessage().varint(AXIS, axis));
    }

    /** chunk(x, chunks, dim): splitND into ceil(size/chunks)-sized pieces (the last smaller), as PyTorch splits. */
    void chunk(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        long chunks = integer(n, 1);
        int axis = checkedAxis(integer(n, 2), x.length);
        if (chunks <= 0) throw refuse("chunks must be positive");
        long piece = (x[axis] + chunks - 1) / chunks;
        List<Long> sizes = new ArrayList<>();
        for (long left = x[axis]; left > 0; left -= piece) sizes.add(Math.min(piece, left));
        List<String> outs = new ArrayList<>();
        List<long[]> outShapes = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            outs.add(out(n) + "_" + i);
            long[] s = x.clone();
            s[axis] = sizes.get(i);
            outShapes.add(s);
        }
        emitMulti("splitND", LAYER_SPLIT_ND, List.of(in(n, 0)), outs, outShapes, new ProtoMessage().varint(SPLIT_AXIS, axis)
                .varint(SPLIT_NUM_SPLITS, sizes.size()).varints(SPLIT_SIZES, sizes.stream().mapToLong(Long::longValue).toArray()));
        tensorLists.put(out(n), outs);
        for (String o : outs) markView(o, in(n, 0));
    }

    void slice(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        int axis = checkedAxis(integer(n, 1), x.length);
        long size = x[axis];
        long start = isNone(n, 2) ? 0 : integer(n, 2);
        long end = isNone(n, 3) ? size : integer(n, 3);
        long step = integer(n, 4);
        if (step <= 0) throw refuse("slice step must be positive");
        if (start < 0) start += size;
        if (end < 0) end += size;
        start = Math.min(Math.max(start, 0), size);
        end = Math.min(Math.max(end, start), size);
        if (start == 0 && end == size && step == 1) {
            alias(n); // x[:, ...]: a whole-axis slice is a no-op (coremltools drops it too)
            return;
        }
        long[] y = x.clone();
        y[axis] = (end - start + step - 1) / step;
        if (y[axis] == 0) throw refuse("the slice is empty");
        long[] begin = new long[x.length];
        long[] ends = x.clone();
        long[] strides = new long[x.length];
        long[] masks = new long[x.length];
        Arrays.fill(strides, 1);
        Arrays.fill(masks, 1);
        begin[axis] = start;
        ends[axis] = end;
        strides[axis] = step;
        masks[axis] = 0;
        emitSlice(in(n, 0), out(n), begin, ends, strides, masks, y);
        markView(out(n), in(n, 0));
    }

    private void emitSlice(String input, String output, long[] begin, long[] end, long[] strides, long[] masks, long[] y) {
        ProtoMessage p = new ProtoMessage().varints(SLICE_BEGIN_IDS, begin).varints(SLICE_BEGIN_MASKS, masks)
                .varints(SLICE_END_IDS, end).varints(SLICE_END_MASKS, masks).varints(SLICE_STRIDES, strides);
        emit("sliceStatic", LAYER_SLICE_STATIC, List.of(input), output, y, p);
    }

    // ---- resampling ----

    /** upsample_nearest2d(x, output_size, scale_factors): integer scale factors only. */
    void upsampleNearest(Node n) throws UnsupportedModelException {
        upsample(n, UPSAMPLE_NN, 0, upsampleScale(n, 1, 2));
    }

    /** upsample_bilinear2d(x, output_size, align_corners, scale_factors). */
    void upsampleBilinear(Node n) throws UnsupportedModelException {
        boolean alignCorners = bool(n, 2);
        requireSpecificationVersion(SPECIFICATION_VERSION_IOS14);
        upsample(n, UPSAMPLE_BILINEAR, alignCorners ? UPSAMPLE_ALIGN_CORNERS_TRUE : UPSAMPLE_ALIGN_CORNERS_FALSE, upsampleScale(n, 1, 3));
    }

    private long[] upsampleScale(Node n, int sizeArg, int scaleArg) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length != 4) throw refuse("2-D upsampling needs a batched (N, C, H, W) input, got " + Arrays.toString(x));
        long[] scale = new long[2];
        if (!isNone(n, sizeArg)) {
            long[] size = expand(ints(n, sizeArg), 2);
            for (int i = 0; i < 2; i++) {
                if (size[i] % x[2 + i] != 0) throw refuse("output size " + Arrays.toString(size) + " is not a whole multiple of the input " + Arrays.toString(x));
                scale[i] = size[i] / x[2 + i];
            }
        } else {
            Object f = constant(n, scaleArg);
            if (!(f instanceof List<?> l) || l.size() != 2) throw refuse("scale factors " + f);
            for (int i = 0; i < 2; i++) {
                double s = ((Number) l.get(i)).doubleValue();
                if (s != Math.rint(s) || s < 1) throw refuse("scale factor " + s + " is not a whole number (Core ML upsamples by integers)");
                scale[i] = (long) s;
            }
        }
        return scale;
    }

    private void upsample(Node n, int mode, int linearMode, long[] scale) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        long[] y = {x[0], x[1], x[2] * scale[0], x[3] * scale[1]};
        ProtoMessage p = new ProtoMessage().varints(UPSAMPLE_SCALING_FACTOR, scale).varint(UPSAMPLE_MODE, mode);
        if (linearMode != 0) p.varint(UPSAMPLE_LINEAR_MODE, linearMode);
        emit("upsample", LAYER_UPSAMPLE, List.of(in(n, 0)), out(n), y, p);
    }

    void pixelShuffle(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        long r = integer(n, 1);
        if (x.length != 4) throw refuse("pixel_shuffle needs a batched (N, C, H, W) input, got " + Arrays.toString(x));
        if (r <= 0 || x[1] % (r * r) != 0) throw refuse("channels " + x[1] + " are not a multiple of " + r + "^2");
        requireSpecificationVersion(SPECIFICATION_VERSION_IOS14);
        emit("reorganizeData", LAYER_REORGANIZE_DATA, List.of(in(n, 0)), out(n), new long[] {x[0], x[1] / (r * r), x[2] * r, x[3] * r},
                new ProtoMessage().varint(REORGANIZE_MODE, REORGANIZE_PIXEL_SHUFFLE).varint(REORGANIZE_BLOCK_SIZE, r));
    }

    // ---- normalisation, embeddings ----

    void layerNorm(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        long[] normalized = ints(n, 1);
        if (x.length < 2 || x.length > 4 || normalized.length != 1 || normalized[0] != x[x.length - 1]) {
            throw refuse("layer norm is supported over the last dimension of a rank 2 to 4 input; got input "
                    + Arrays.toString(x) + ", normalized_shape " + Arrays.toString(normalized));
        }
        long c = normalized[0];
        float[] gamma = isNone(n, 2) ? filled(c, 1f) : weight(n, 2, "the weight").data();
        float[] beta = isNone(n, 3) ? filled(c, 0f) : weight(n, 3, "the bias").data();
        double eps = number(n, 4);
        String out = out(n);
        // As coremltools: (.., C) -> (.., 1, C), normalise the last two axes with mvn, scale, reshape back.
        long[] mid = new long[x.length + 1];
        System.arraycopy(x, 0, mid, 0, x.length - 1);
        mid[x.length - 1] = 1;
        mid[x.length] = c;
        String r1 = out + "_reshape";
        String mvn = out + "_mvn";
        String scale = out + "_scale";
        emit("reshapeStatic", LAYER_RESHAPE_STATIC, List.of(in(n, 0)), r1, mid, new ProtoMessage().varints(RESHAPE_TARGET_SHAPE, mid));
        emit("mvn", LAYER_MVN, List.of(r1), mvn, mid, new ProtoMessage().bool(MVN_ACROSS_CHANNELS, false)
                .bool(MVN_NORMALIZE_VARIANCE, true).floatValue(MVN_EPSILON, (float) eps));
        long[] paramShape = {1, 1, c};
        emit("scale", LAYER_SCALE, List.of(mvn), scale, mid, new ProtoMessage().varints(SCALE_SHAPE_SCALE, paramShape)
                .message(SCALE_SCALE, weights(gamma)).bool(SCALE_HAS_BIAS, true).varints(SCALE_SHAPE_BIAS, paramShape)
                .message(SCALE_BIAS, weights(beta)));
        emit("reshapeStatic", LAYER_RESHAPE_STATIC, List.of(scale), out, x, new ProtoMessage().varints(RESHAPE_TARGET_SHAPE, x));
    }

    void embedding(Node n) throws UnsupportedModelException {
        FloatTensor w = weight(n, 0, "the embedding table");
        if (w.shape().length != 2) throw refuse("the embedding table must be 2-D");
        long[] ids = shape(n, 1);
        if (ids.length + 1 > 5) throw refuse("index tensor of rank " + ids.length + " is too large");
        if (n.inputs().size() > 4 && bool(n, 4)) throw refuse("sparse embedding is not supported");
        long vocab = w.shape()[0];
        long dim = w.shape()[1];
        String out = out(n);
        String expanded = out + "_expand_dims";
        long[] withOne = Arrays.copyOf(ids, ids.length + 1);
        withOne[ids.length] = 1;
        emit("expandDims", LAYER_EXPAND_DIMS, List.of(in(n, 1)), expanded, withOne, new ProtoMessage().varints(DIMS_AXES, new long[] {-1}));
        long[] y = Arrays.copyOf(ids, ids.length + 1);
        y[ids.length] = dim;
        // EmbeddingND weights are (embeddingSize x vocabSize) row-major: the transpose of PyTorch's table.
        emit("embeddingND", LAYER_EMBEDDING_ND, List.of(expanded), out, y, new ProtoMessage().varint(EMB_VOCAB_SIZE, vocab)
                .varint(EMB_EMBEDDING_SIZE, dim).bool(EMB_HAS_BIAS, false).message(EMB_WEIGHTS, weights(transpose2d(w))));
    }

    // ---- recurrent ----

    /**
     * The arguments aten::lstm and aten::gru share after the initial state: (params, has_biases,
     * num_layers, dropout, train, bidirectional, batch_first), with the input's shape {@code x}.
     */
    private record Recurrent(long[] x, List<?> params, boolean bias, long layers, boolean bidirectional, boolean batchFirst) {
        int directions() {
            return bidirectional ? 2 : 1;
        }

        /** Weight tensors per layer and direction: w_ih, w_hh and, with biases, b_ih, b_hh. */
        int perDirection() {
            return bias ? 4 : 2;
        }

        long seq() {
            return batchFirst ? x[1] : x[0];
        }

        long batch() {
            return batchFirst ? x[0] : x[1];
        }
    }

    private Recurrent recurrent(Node n, long[] x) throws UnsupportedModelException {
        if (!(constants.get(in(n, 2)) instanceof List<?> params)) throw refuse("the weights must be constants");
        boolean bias = bool(n, 3);
        long layersCount = integer(n, 4);
        if (bool(n, 6)) throw refuse("is in training mode");
        Recurrent r = new Recurrent(x, params, bias, layersCount, bool(n, 7), bool(n, 8));
        long expected = layersCount * r.directions() * r.perDirection();
        if (params.size() != expected) throw refuse("expected " + expected + " weight tensors, got " + params.size());
        return r;
    }

    /** The recurrent layer's input as (seq, batch, features): transposed first when batch_first. */
    private String sequenceFirst(Node n, Recurrent r) throws UnsupportedModelException {
        String input = in(n, 0);
        if (!r.batchFirst()) return input;
        String t = out(n) + "_seq_first";
        emit("transpose", LAYER_TRANSPOSE, List.of(input), t, new long[] {r.seq(), r.batch(), r.x()[2]},
                new ProtoMessage().varints(TRANSPOSE_AXES, new long[] {1, 0, 2}));
        return t;
    }

    /**
     * aten::lstm(input, [h0, c0], params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
     * per layer a uniDirectionalLSTM or biDirectionalLSTM on the (Seq, Batch, C, 1, 1) layout those layers
     * need. A computed initial state is sliced per layer and direction into the layers' optional h/c
     * inputs; h_n and c_n, when read, are the layers' h/c outputs concatenated in PyTorch's
     * (layer, direction) order.
     */
    void lstm(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length != 3) throw refuse("input must be (seq, batch, features) or batch_first; got " + Arrays.toString(x));
        Recurrent r = recurrent(n, x);
        String out = out(n);
        long seq = r.seq();
        long batch = r.batch();
        long[] stateShape = {r.layers() * r.directions(), batch, paramTensor(r.params().get(1)).shape()[1]};
        String h0 = null;
        String c0 = null;
        if (!(constants.get(in(n, 1)) instanceof List<?> state)) {
            List<String> parts = tensorLists.get(in(n, 1));
            if (parts == null || parts.size() != 2) throw refuse("the initial state must be a list [h0, c0] built in the graph");
            h0 = initialState(parts.get(0), stateShape);
            c0 = initialState(parts.get(1), stateShape);
        } else {
            for (Object t : state) {
                if (!(t instanceof FloatTensor f)) throw refuse("the initial state must be tensors");
                for (float v : f.data()) if (v != 0f) throw refuse("a constant non-zero initial state is not supported");
            }
        }
        if (h0 != null || c0 != null) {
            if (h0 == null) h0 = zeroState(out + "_h0", stateShape);
            if (c0 == null) c0 = zeroState(out + "_c0", stateShape);
        }
        List<String> hStates = new ArrayList<>();
        List<String> cStates = new ArrayList<>();
        String input = sequenceFirst(n, r);
        String rank5 = out + "_rank5";
        emit("expandDims", LAYER_EXPAND_DIMS, List.of(input), rank5, new long[] {seq, batch, x[2], 1, 1},
                new ProtoMessage().varints(DIMS_AXES, new long[] {3, 4}));
        input = rank5;
        long inSize = x[2];
        long hidden = -1;
        for (int layer = 0; layer < r.layers(); layer++) {
            List<ProtoMessage> weightsPerDir = new ArrayList<>();
            for (int d = 0; d < r.directions(); d++) {
                int base = (layer * r.directions() + d) * r.perDirection();
                FloatTensor wih = paramTensor(r.params().get(base));
                FloatTensor whh = paramTensor(r.params().get(base + 1));
                hidden = whh.shape()[1];
                if (wih.shape().length != 2 || wih.shape()[0] != 4 * hidden || wih.shape()[1] != inSize || whh.shape()[0] != 4 * hidden) {
                    throw refuse("layer " + layer + " weights " + Arrays.toString(wih.shape()) + ", " + Arrays.toString(whh.shape())
                            + " do not fit input size " + inSize);
                }
                float[] b = null;
                if (r.bias()) {
                    float[] bih = paramTensor(r.params().get(base + 2)).data();
                    float[] bhh = paramTensor(r.params().get(base + 3)).data();
                    b = new float[(int) (4 * hidden)];
                    for (int k = 0; k < b.length; k++) b[k] = bih[k] + bhh[k]; // Core ML has one bias per gate
                }
                weightsPerDir.add(lstmWeights(wih, whh, b, hidden, inSize));
            }
            ProtoMessage p = new ProtoMessage().varint(LSTM_INPUT_VECTOR_SIZE, inSize).varint(LSTM_OUTPUT_VECTOR_SIZE, hidden);
            for (int d = 0; d < r.directions(); d++) {
                int field = d == 0 ? LSTM_ACTIVATIONS : LSTM_ACTIVATIONS_BACKWARD;
                // Gate activation, cell update activation, output activation: PyTorch's sigmoid, tanh, tanh.
                p.message(field, new ProtoMessage().message(ACTIVATION_SIGMOID, new ProtoMessage()))
                        .message(field, new ProtoMessage().message(ACTIVATION_TANH, new ProtoMessage()))
                        .message(field, new ProtoMessage().message(ACTIVATION_TANH, new ProtoMessage()));
            }
            p.message(LSTM_PARAMS, new ProtoMessage().bool(LSTM_SEQUENCE_OUTPUT, true).bool(LSTM_HAS_BIAS_VECTORS, r.bias())
                    .bool(LSTM_FORGET_BIAS, false).floatValue(LSTM_CELL_CLIP_THRESHOLD, 50000f));
            for (ProtoMessage w : weightsPerDir) p.message(LSTM_WEIGHT_PARAMS, w);
            String y = out + "_layer" + layer;
            List<String> outs = new ArrayList<>(List.of(y));
            List<long[]> outShapes = new ArrayList<>();
            outShapes.add(new long[] {seq, batch, hidden * r.directions(), 1, 1});
            // Outputs and optional inputs alike: (h, c) of the forward direction, then of the backward one.
            List<String> layerInputs = new ArrayList<>(List.of(input));
            for (int d = 0; d < r.directions(); d++) {
                int k = layer * r.directions() + d;
                outs.add(y + "_h" + d);
                outs.add(y + "_c" + d);
                hStates.add(y + "_h" + d);
                cStates.add(y + "_c" + d);
                outShapes.add(new long[] {1, batch, hidden, 1, 1});
                outShapes.add(new long[] {1, batch, hidden, 1, 1});
                if (h0 != null) {
                    layerInputs.add(lstmStateSlice(h0, k, y + "_h0_" + d, batch, hidden));
                    layerInputs.add(lstmStateSlice(c0, k, y + "_c0_" + d, batch, hidden));
                }
            }
            emitMulti(r.bidirectional() ? "biDirectionalLSTM" : "uniDirectionalLSTM", r.bidirectional() ? LAYER_BI_LSTM : LAYER_UNI_LSTM,
                    layerInputs, outs, outShapes, p);
            input = y;
            inSize = hidden * r.directions();
        }
        long[] seqFirst = {seq, batch, inSize};
        if (r.batchFirst()) {
            String squeezed = out + "_squeezed";
            emit("squeeze", LAYER_SQUEEZE, List.of(input), squeezed, seqFirst, new ProtoMessage().varints(DIMS_AXES, new long[] {3, 4}));
            emit("transpose", LAYER_TRANSPOSE, List.of(squeezed), out, new long[] {batch, seq, inSize}, new ProtoMessage().varints(TRANSPOSE_AXES, new long[] {1, 0, 2}));
        } else {
            emit("squeeze", LAYER_SQUEEZE, List.of(input), out, seqFirst, new ProtoMessage().varints(DIMS_AXES, new long[] {3, 4}));
        }
        for (int o = 1; o < 3 && o < n.outputs().size(); o++) {
            String finalState = n.outputs().get(o);
            if (!lastUse.containsKey(finalState)) continue;
            List<String> states = o == 1 ? hStates : cStates;
            String stacked = states.get(0);
            if (states.size() > 1) {
                stacked = finalState + "_rank5";
                emit("concatND", LAYER_CONCAT_ND, states, stacked, new long[] {states.size(), batch, stateShape[2], 1, 1}, new ProtoMessage().varint(AXIS, 0));
            }
            emit("squeeze", LAYER_SQUEEZE, List.of(stacked), finalState, new long[] {states.size(), batch, stateShape[2]},
                    new ProtoMessage().varints(DIMS_AXES, new long[] {3, 4}));
        }
    }

    /**
     * An initial state of aten::lstm or aten::gru, (layers * directions, batch, hidden): null for constant
     * zeros (the layers' default), else the computed value. A constant non-zero state is refused.
     */
    private String initialState(String value, long[] expected) throws UnsupportedModelException {
        Object c = constants.get(value);
        if (c != null) {
            if (!(c instanceof FloatTensor f)) throw refuse("the initial state must be a tensor, it is " + c);
            for (float v : f.data()) if (v != 0f) throw refuse("a constant non-zero initial state is not supported");
            return null;
        }
        long[] s = shapes.get(value);
        if (s == null) throw refuse("the initial state must be zeros or a tensor computed from the inputs");
        if (!Arrays.equals(s, expected)) {
            throw refuse("initial state of shape " + Arrays.toString(s) + ", expected " + Arrays.toString(expected));
        }
        return value;
    }

    /** Zeros of the given shape, for the one of h0/c0 left at its default when the other is given. */
    private String zeroState(String name, long[] shape) {
        emit("loadConstantND", LAYER_LOAD_CONSTANT_ND, List.of(), name, shape, new ProtoMessage().varints(LOAD_CONSTANT_SHAPE, shape)
                .message(LOAD_CONSTANT_DATA, weights(new float[(int) (shape[0] * shape[1] * shape[2])])));
        return name;
    }

    /** Row k of a (layers * directions, batch, hidden) state as the (1, batch, hidden) of one recurrence. */
    private String stateRow(String state, int k, String name, long batch, long hidden) {
        emitSlice(state, name, new long[] {k, 0, 0}, new long[] {k + 1, batch, hidden}, new long[] {1, 1, 1}, new long[] {0, 1, 1},
                new long[] {1, batch, hidden});
        return name;
    }

    /** Row k of a state in the (1, batch, hidden, 1, 1) layout of the LSTM layers' h/c inputs. */
    private String lstmStateSlice(String state, int k, String name, long batch, long hidden) {
        String row = stateRow(state, k, name + "_row", batch, hidden);
        emit("expandDims", LAYER_EXPAND_DIMS, List.of(row), name, new long[] {1, batch, hidden, 1, 1},
                new ProtoMessage().varints(DIMS_AXES, new long[] {3, 4}));
        return name;
    }

    private FloatTensor paramTensor(Object o) throws UnsupportedModelException {
        if (o instanceof FloatTensor t) return t;
        throw refuse("the weights must be constant tensors, found " + o);
    }

    /** PyTorch stacks the gates (i, f, g, o) in rows of (4H x in); Core ML takes one (H x in) row-major matrix per gate. */
    private static ProtoMessage lstmWeights(FloatTensor wih, FloatTensor whh, float[] b, long hidden, long inSize) {
        int h = (int) hidden;
        int[] wFields = {LSTM_W_INPUT, LSTM_W_FORGET, LSTM_W_BLOCK, LSTM_W_OUTPUT};
        int[] rFields = {LSTM_R_INPUT, LSTM_R_FORGET, LSTM_R_BLOCK, LSTM_R_OUTPUT};
        int[] bFields = {LSTM_B_INPUT, LSTM_B_FORGET, LSTM_B_BLOCK, LSTM_B_OUTPUT};
        ProtoMessage w = new ProtoMessage();
        for (int g = 0; g < 4; g++) {
            w.message(wFields[g], weights(Arrays.copyOfRange(wih.data(), (int) (g * h * inSize), (int) ((g + 1) * h * inSize))));
        }
        for (int g = 0; g < 4; g++) {
            w.message(rFields[g], weights(Arrays.copyOfRange(whh.data(), g * h * h, (g + 1) * h * h)));
        }
        if (b != null) for (int g = 0; g < 4; g++) w.message(bFields[g], weights(Arrays.copyOfRange(b, g * h, (g + 1) * h)));
        return w;
    }

    /**
     * aten::gru(input, h0, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)
     * (h0 zeros or computed; h_n the last state of each layer and direction), unrolled over the static sequence length into innerProduct, splitND and
     * element-wise layers. (Core ML's GRU layer applies the reset gate before the recurrent matrix,
     * PyTorch after it, so it cannot be used; coremltools writes a loop instead.) Per step, as PyTorch:
     * r = s(Wir x + bir + Whr h + bhr), z = s(Wiz x + biz + Whz h + bhz), n = tanh(Win x + bin + r (Whn h + bhn)),
     * h' = n + z (h - n).
     */
    void gru(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length != 3) throw refuse("input must be (seq, batch, features) or batch_first; got " + Arrays.toString(x));
        Recurrent r = recurrent(n, x);
        long seq = r.seq();
        long batch = r.batch();
        long[] stateShape = {r.layers() * r.directions(), batch, paramTensor(r.params().get(1)).shape()[1]};
        String h0 = initialState(in(n, 1), stateShape);
        List<String> finalStates = new ArrayList<>();
        if (seq * r.layers() * r.directions() > 4096) throw refuse("a sequence of " + seq + " steps would unroll into too many layers");
        String out = out(n);
        String input = sequenceFirst(n, r);
        long inSize = x[2];
        for (int layer = 0; layer < r.layers(); layer++) {
            List<String> directionOutputs = new ArrayList<>();
            long hidden = -1;
            for (int d = 0; d < r.directions(); d++) {
                int base = (layer * r.directions() + d) * r.perDirection();
                FloatTensor wih = paramTensor(r.params().get(base));
                FloatTensor whh = paramTensor(r.params().get(base + 1));
                hidden = whh.shape()[1];
                if (wih.shape().length != 2 || wih.shape()[0] != 3 * hidden || wih.shape()[1] != inSize || whh.shape()[0] != 3 * hidden) {
                    throw refuse("layer " + layer + " weights do not fit input size " + inSize);
                }
                float[] bih = r.bias() ? paramTensor(r.params().get(base + 2)).data() : null;
                float[] bhh = r.bias() ? paramTensor(r.params().get(base + 3)).data() : null;
                String prefix = out + "_l" + layer + "d" + d;
                String initial = h0 == null ? null : stateRow(h0, layer * r.directions() + d, prefix + "_h0row", batch, hidden);
                String[] yAndLast = gruDirection(prefix, input, initial, wih, whh, bih, bhh, seq, batch, inSize, hidden, d == 1);
                directionOutputs.add(yAndLast[0]);
                finalStates.add(yAndLast[1]);
            }
            String y = out + "_l" + layer;
            if (r.directions() == 2) {
                emit("concatND", LAYER_CONCAT_ND, directionOutputs, y, new long[] {seq, batch, 2 * hidden}, new ProtoMessage().varint(AXIS, 2));
            } else {
                y = directionOutputs.get(0);
            }
            input = y;
            inSize = hidden * r.directions();
        }
        if (r.batchFirst()) {
            emit("transpose", LAYER_TRANSPOSE, List.of(input), out, new long[] {batch, seq, inSize}, new ProtoMessage().varints(TRANSPOSE_AXES, new long[] {1, 0, 2}));
        } else {
            aliases.put(out, blob(input));
            shapes.put(out, new long[] {seq, batch, inSize});
        }
        if (n.outputs().size() > 1 && lastUse.containsKey(n.outputs().get(1))) {
            String hn = n.outputs().get(1);
            if (finalStates.size() == 1) {
                aliases.put(hn, blob(finalStates.get(0)));
                shapes.put(hn, stateShape);
            } else {
                emit("concatND", LAYER_CONCAT_ND, finalStates, hn, stateShape, new ProtoMessage().varint(AXIS, 0));
            }
        }
    }

    /**
     * One direction of one GRU layer over (seq, batch, in), from the (1, batch, hidden) state {@code initial}
     * (null: zeros); returns the blobs of its (seq, batch, hidden) output and of its last state.
     */
    private String[] gruDirection(String p, String input, String initial, FloatTensor wih, FloatTensor whh, float[] bih, float[] bhh,
                                long seq, long batch, long inSize, long hidden, boolean reverse) {
        long[] step = {1, batch, hidden};
        long[] gates = {seq, batch, 3 * hidden};
        String gi = p + "_gi";
        ProtoMessage ip = new ProtoMessage().varint(IP_INPUT_CHANNELS, inSize).varint(IP_OUTPUT_CHANNELS, 3 * hidden)
                .bool(IP_HAS_BIAS, bih != null).message(IP_WEIGHTS, weights(wih.data()));
        if (bih != null) ip.message(IP_BIAS, weights(bih));
        emit("innerProduct", LAYER_INNER_PRODUCT, List.of(input), gi, gates, ip);
        List<String> giParts = List.of(gi + "_r", gi + "_z", gi + "_n");
        long[] part = {seq, batch, hidden};
        emitMulti("splitND", LAYER_SPLIT_ND, List.of(gi), giParts, List.of(part, part, part), new ProtoMessage().varint(SPLIT_AXIS, 2)
                .varint(SPLIT_NUM_SPLITS, 3));
        String h = initial;
        if (h == null) {
            h = p + "_h0";
            emit("loadConstantND", LAYER_LOAD_CONSTANT_ND, List.of(), h, step, new ProtoMessage().varints(LOAD_CONSTANT_SHAPE, step)
                    .message(LOAD_CONSTANT_DATA, weights(new float[(int) (batch * hidden)])));
        }
        String[] states = new String[(int) seq];
        for (int k = 0; k < seq; k++) {
            int t = reverse ? (int) seq - 1 - k : k;
            String q = p + "_t" + t;
            String[] xs = new String[3];
            for (int g = 0; g < 3; g++) {
                xs[g] = q + "_x" + g;
                long[] begin = {t, 0, 0};
                long[] end = {t + 1, batch, hidden};
                emitSlice(giParts.get(g), xs[g], begin, end, new long[] {1, 1, 1}, new long[] {0, 1, 1}, step);
            }
            String gh = q + "_gh";
            ProtoMessage hp = new ProtoMessage().varint(IP_INPUT_CHANNELS, hidden).varint(IP_OUTPUT_CHANNELS, 3 * hidden)
                    .bool(IP_HAS_BIAS, bhh != null).message(IP_WEIGHTS, weights(whh.data()));
            if (bhh != null) hp.message(IP_BIAS, weights(bhh));
            emit("innerProduct", LAYER_INNER_PRODUCT, List.of(h), gh, new long[] {1, batch, 3 * hidden}, hp);
            List<String> ghParts = List.of(gh + "_r", gh + "_z", gh + "_n");
            emitMulti("splitND", LAYER_SPLIT_ND, List.of(gh), ghParts, List.of(step, step, step), new ProtoMessage().varint(SPLIT_AXIS, 2)
                    .varint(SPLIT_NUM_SPLITS, 3));
            ProtoMessage none = new ProtoMessage();
            emit("add", LAYER_ADD, List.of(xs[0], ghParts.get(0)), q + "_rsum", step, none);
            emit("activation", LAYER_ACTIVATION, List.of(q + "_rsum"), q + "_r", step, new ProtoMessage().message(ACTIVATION_SIGMOID, new ProtoMessage()));
            emit("add", LAYER_ADD, List.of(xs[1], ghParts.get(1)), q + "_zsum", step, none);
            emit("activation", LAYER_ACTIVATION, List.of(q + "_zsum"), q + "_z", step, new ProtoMessage().message(ACTIVATION_SIGMOID, new ProtoMessage()));
            emit("multiply", LAYER_MULTIPLY, List.of(q + "_r", ghParts.get(2)), q + "_rn", step, none);
            emit("add", LAYER_ADD, List.of(xs[2], q + "_rn"), q + "_nsum", step, none);
            emit("activation", LAYER_ACTIVATION, List.of(q + "_nsum"), q + "_n", step, new ProtoMessage().message(ACTIVATION_TANH, new ProtoMessage()));
            emit("subtractBroadcastable", LAYER_SUBTRACT_BROADCASTABLE, List.of(h, q + "_n"), q + "_hmn", step, none);
            emit("multiply", LAYER_MULTIPLY, List.of(q + "_z", q + "_hmn"), q + "_zh", step, none);
            emit("add", LAYER_ADD, List.of(q + "_n", q + "_zh"), q + "_h", step, none);
            h = q + "_h";
            states[t] = h;
        }
        String y = p + "_y";
        if (seq == 1) return new String[] {states[0], h};
        emit("concatND", LAYER_CONCAT_ND, List.of(states), y, new long[] {seq, batch, hidden}, new ProtoMessage().varint(AXIS, 0));
        return new String[] {y, h};
    }
}
