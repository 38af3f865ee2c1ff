package dev.torch4j.coreml;

import dev.torch4j.coreml.TorchGraph.FloatTensor;
import dev.torch4j.coreml.TorchGraph.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.torch4j.coreml.CoreMlFields.*;

/**
 * Turns a frozen TorchScript graph into Core ML NeuralNetwork layers, tracking every tensor's static
 * shape from the given input shapes. Each op either becomes the layers coremltools 6.2 writes for it
 * or the whole conversion stops with an {@link UnsupportedModelException} naming the op, where it is
 * used and why: a half-right model is never produced.
 */
final class GraphConverter {
    private final TorchGraph graph;
    private final Map<String, Object> constants = new HashMap<>();
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, List<String>> tensorLists = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final List<Layer> layers = new ArrayList<>();
    private Node current;

    private GraphConverter(TorchGraph graph) {
        this.graph = graph;
        this.constants.putAll(graph.constants());
    }

    /** The converted layers and the shape of each graph output, in order. */
    record Converted(List<Layer> layers, List<String> outputBlobs, List<long[]> outputShapes) {}

    static Converted convert(TorchGraph graph, List<InputSpec> inputs) throws UnsupportedModelException {
        if (inputs.size() != graph.inputs().size()) {
            throw new IllegalArgumentException("forward takes " + graph.inputs().size() + " tensor input(s), "
                    + inputs.size() + " --input given");
        }
        GraphConverter c = new GraphConverter(graph);
        for (int i = 0; i < inputs.size(); i++) {
            String v = graph.inputs().get(i);
            c.shapes.put(v, inputs.get(i).shape());
            c.aliases.put(v, v);
        }
        for (Node n : graph.nodes()) {
            c.current = n;
            c.convertNode(n);
        }
        List<String> blobs = new ArrayList<>();
        List<long[]> outShapes = new ArrayList<>();
        for (String o : graph.outputs()) {
            if (!c.shapes.containsKey(o)) {
                throw new UnsupportedModelException("forward returns " + describeValue(c, o) + ", not a tensor; Core ML outputs are multi-arrays");
            }
            blobs.add(c.blob(o));
            outShapes.add(c.shapes.get(o));
        }
        return new Converted(List.copyOf(c.layers), blobs, outShapes);
    }

    private static String describeValue(GraphConverter c, String v) {
        Object k = c.constants.get(v);
        return k != null ? "the constant " + k : "%" + v;
    }

    // ---- dispatch ----

    private void convertNode(Node n) throws UnsupportedModelException {
        switch (n.kind()) {
            case "prim::ListConstruct" -> listConstruct(n);
            case "prim::TupleConstruct" -> throw refuse("tuples are only supported as forward's return value");
            case "aten::size" -> size(n);
            case "aten::Int", "prim::NumToTensor", "aten::ScalarImplicit" -> passConstant(n);
            case "aten::contiguous" -> alias(n);
            case "aten::dropout" -> {
                if (bool(n, 2)) throw refuse("dropout in training mode");
                alias(n);
            }
            case "aten::linear" -> linear(n);
            case "aten::_convolution" -> convolution(n, true);
            case "aten::conv2d", "aten::conv1d" -> convolution(n, false);
            case "aten::batch_norm" -> batchNorm(n);
            case "aten::relu" -> activation(n, ACTIVATION_RELU);
            case "aten::tanh" -> activation(n, ACTIVATION_TANH);
            case "aten::sigmoid" -> activation(n, ACTIVATION_SIGMOID);
            case "aten::gelu" -> gelu(n);
            case "aten::silu" -> silu(n);
            case "aten::softmax" -> softmax(n);
            case "aten::max_pool2d" -> maxPool(n);
            case "aten::avg_pool2d" -> avgPool(n);
            case "aten::adaptive_avg_pool2d" -> adaptiveAvgPool(n);
            case "aten::add" -> elementwise(n, LAYER_ADD, "add");
            case "aten::mul" -> elementwise(n, LAYER_MULTIPLY, "multiply");
            case "aten::matmul" -> matmul(n);
            case "aten::transpose" -> transpose(n);
            case "aten::permute" -> permute(n);
            case "aten::reshape", "aten::view" -> reshape(n);
            case "aten::flatten" -> flatten(n);
            case "aten::cat" -> cat(n);
            case "aten::slice" -> slice(n);
            case "aten::layer_norm" -> layerNorm(n);
            case "aten::embedding" -> embedding(n);
            default -> throw new UnsupportedModelException("op " + n.kind() + " (in " + n.where() + ") is not supported by export-coreml"
                    + (n.kind().startsWith("prim::If") || n.kind().startsWith("prim::Loop") ? ": data-dependent control flow" : ""));
        }
    }

    // ---- argument access ----

    private UnsupportedModelException refuse(String why) {
        return new UnsupportedModelException(current.kind() + " (in " + current.where() + "): " + why);
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

    private long integer(Node n, int i) throws UnsupportedModelException {
        Object c = constant(n, i);
        if (c instanceof Long l) return l;
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
                if (!(l.get(k) instanceof Long v)) throw refuse("argument " + i + " must be a list of integers, it is " + c);
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

    // ---- plumbing ----

    private void listConstruct(Node n) {
        List<Object> values = new ArrayList<>();
        boolean allConstant = true;
        for (String i : n.inputs()) {
            Object c = constants.get(i);
            if (c == null) allConstant = false;
            values.add(c);
        }
        if (allConstant) constants.put(n.outputs().get(0), values);
        else tensorLists.put(n.outputs().get(0), n.inputs());
    }

    private void size(Node n) throws UnsupportedModelException {
        long[] s = shape(n, 0);
        if (n.inputs().size() == 1) {
            List<Object> dims = new ArrayList<>();
            for (long d : s) dims.add(d);
            constants.put(n.outputs().get(0), dims);
        } else {
            constants.put(n.outputs().get(0), s[checkedAxis(integer(n, 1), s.length)]);
        }
    }

    private void passConstant(Node n) throws UnsupportedModelException {
        constants.put(n.outputs().get(0), constant(n, 0));
    }

    private void alias(Node n) throws UnsupportedModelException {
        long[] s = shape(n, 0);
        aliases.put(n.outputs().get(0), blob(in(n, 0)));
        shapes.put(n.outputs().get(0), s);
    }

    // ---- ops ----

    private void linear(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        FloatTensor w = weight(n, 1, "the weight");
        if (w.shape().length != 2) throw refuse("weight must be 2-D, it is " + Arrays.toString(w.shape()));
        long out = w.shape()[0];
        long inCh = w.shape()[1];
        if (x[x.length - 1] != inCh) throw refuse("input " + Arrays.toString(x) + " does not end in " + inCh);
        FloatTensor b = isNone(n, 2) ? null : weight(n, 2, "the bias");
        long[] y = x.clone();
        y[y.length - 1] = out;
        if (x.length <= 3) {
            ProtoMessage p = new ProtoMessage().varint(IP_INPUT_CHANNELS, inCh).varint(IP_OUTPUT_CHANNELS, out)
                    .bool(IP_HAS_BIAS, b != null).message(IP_WEIGHTS, weights(w.data()));
            if (b != null) p.message(IP_BIAS, weights(b.data()));
            emit("innerProduct", LAYER_INNER_PRODUCT, List.of(in(n, 0)), n.outputs().get(0), y, p);
        } else {
            ProtoMessage p = new ProtoMessage().varint(BMM_WEIGHT_ROWS, inCh).varint(BMM_WEIGHT_COLUMNS, out)
                    .bool(BMM_HAS_BIAS, b != null).message(BMM_WEIGHTS, weights(transpose2d(w)));
            if (b != null) p.message(BMM_BIAS, weights(b.data()));
            emit("batchedMatmul", LAYER_BATCHED_MATMUL, List.of(in(n, 0)), n.outputs().get(0), y, p);
        }
    }

    private static float[] transpose2d(FloatTensor w) {
        int r = (int) w.shape()[0];
        int c = (int) w.shape()[1];
        float[] t = new float[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) t[j * r + i] = w.data()[i * c + j];
        return t;
    }

    private void convolution(Node n, boolean underscore) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        FloatTensor w = weight(n, 1, "the weight");
        FloatTensor b = isNone(n, 2) ? null : weight(n, 2, "the bias");
        if (!(constants.get(in(n, 4)) instanceof List)) throw refuse("string padding ('same'/'valid') is not supported; give padding as numbers");
        long[] stride = ints(n, 3);
        long[] padding = ints(n, 4);
        long[] dilation = ints(n, 5);
        long groups;
        if (underscore) {
            if (bool(n, 6)) throw refuse("transposed convolution is not supported");
            for (long p : ints(n, 7)) if (p != 0) throw refuse("output_padding is not supported");
            groups = integer(n, 8);
        } else {
            groups = integer(n, 6);
        }
        int spatial = w.shape().length - 2;
        if (spatial != 1 && spatial != 2) throw refuse(spatial + "-D convolution is not supported (1-D and 2-D are)");
        if (x.length != spatial + 2) throw refuse("input " + Arrays.toString(x) + " must be batched (N, C, ...) with " + spatial + " spatial dimension(s)");
        stride = expand(stride, spatial);
        padding = expand(padding, spatial);
        dilation = expand(dilation, spatial);
        long outCh = w.shape()[0];
        long kernelCh = w.shape()[1];
        if (x[1] != kernelCh * groups) throw refuse("input has " + x[1] + " channels, the weight expects " + kernelCh * groups);
        long[] kernel = Arrays.copyOfRange(w.shape(), 2, w.shape().length);
        long[] y = new long[x.length];
        y[0] = x[0];
        y[1] = outCh;
        for (int i = 0; i < spatial; i++) {
            y[2 + i] = (x[2 + i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i] + 1;
            if (y[2 + i] <= 0) throw refuse("output would be empty for input " + Arrays.toString(x));
        }
        String out = n.outputs().get(0);
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
            padding = new long[] {0, padding[0]};
        }
        ProtoMessage border = new ProtoMessage();
        for (long p : padding) border.message(BORDER_AMOUNTS, new ProtoMessage().varint(EDGE_START, p).varint(EDGE_END, p));
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

    private long[] expand(long[] v, int n) throws UnsupportedModelException {
        if (v.length == n) return v;
        if (v.length == 1) {
            long[] out = new long[n];
            Arrays.fill(out, v[0]);
            return out;
        }
        throw refuse("expected " + n + " values, got " + Arrays.toString(v));
    }

    private void batchNorm(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length != 4) throw refuse("batch norm of a rank-" + x.length + " input is not supported (rank 4 is, or one after a convolution)");
        if (bool(n, 5)) throw refuse("batch norm in training mode");
        long c = x[1];
        FloatTensor mean = weight(n, 3, "running_mean");
        FloatTensor var = weight(n, 4, "running_var");
        float[] gamma = isNone(n, 1) ? filled(c, 1f) : weight(n, 1, "the weight").data();
        float[] beta = isNone(n, 2) ? filled(c, 0f) : weight(n, 2, "the bias").data();
        ProtoMessage p = new ProtoMessage().varint(BN_CHANNELS, c).floatValue(BN_EPSILON, (float) number(n, 7))
                .message(BN_GAMMA, weights(gamma)).message(BN_BETA, weights(beta))
                .message(BN_MEAN, weights(mean.data())).message(BN_VARIANCE, weights(var.data()));
        emit("batchnorm", LAYER_BATCHNORM, List.of(in(n, 0)), n.outputs().get(0), x, p);
    }

    private static float[] filled(long n, float v) {
        float[] f = new float[(int) n];
        Arrays.fill(f, v);
        return f;
    }

    private void activation(Node n, int which) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        emit("activation", LAYER_ACTIVATION, List.of(in(n, 0)), n.outputs().get(0), x,
                new ProtoMessage().message(which, new ProtoMessage()));
    }

    private void gelu(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        String approximate = n.inputs().size() > 1 ? String.valueOf(constant(n, 1)) : "none";
        int mode = switch (approximate) {
            case "none" -> GELU_EXACT;
            case "tanh" -> GELU_TANH_APPROXIMATION;
            default -> throw refuse("gelu approximate='" + approximate + "' is not supported");
        };
        emit("gelu", LAYER_GELU, List.of(in(n, 0)), n.outputs().get(0), x, new ProtoMessage().varint(GELU_MODE, mode));
    }

    private void silu(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        String out = n.outputs().get(0);
        String sig = out + "__silu_sigmoid__";
        emit("activation", LAYER_ACTIVATION, List.of(in(n, 0)), sig, x,
                new ProtoMessage().message(ACTIVATION_SIGMOID, new ProtoMessage()));
        emit("multiply", LAYER_MULTIPLY, List.of(in(n, 0), sig), out, x, new ProtoMessage());
    }

    private void softmax(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (!isNone(n, 2)) throw refuse("softmax with a dtype argument is not supported");
        long dim = integer(n, 1);
        checkedAxis(dim, x.length);
        emit("softmaxND", LAYER_SOFTMAX_ND, List.of(in(n, 0)), n.outputs().get(0), x, new ProtoMessage().varint(AXIS, dim));
    }

    private void maxPool(Node n) throws UnsupportedModelException {
        long[] kernel = expand(ints(n, 1), 2);
        long[] stride = ints(n, 2);
        stride = stride.length == 0 ? kernel : expand(stride, 2);
        long[] padding = expand(ints(n, 3), 2);
        for (long d : expand(ints(n, 4), 2)) if (d != 1) throw refuse("dilated max pooling is not supported");
        if (bool(n, 5)) throw refuse("ceil_mode=True is not supported");
        pool(n, POOL_MAX, kernel, stride, padding, true);
    }

    private void avgPool(Node n) throws UnsupportedModelException {
        long[] kernel = expand(ints(n, 1), 2);
        long[] stride = ints(n, 2);
        stride = stride.length == 0 ? kernel : expand(stride, 2);
        long[] padding = expand(ints(n, 3), 2);
        if (bool(n, 4)) throw refuse("ceil_mode=True is not supported");
        boolean countIncludePad = bool(n, 5);
        if (!isNone(n, 6)) throw refuse("divisor_override is not supported");
        pool(n, POOL_AVERAGE, kernel, stride, padding, !countIncludePad);
    }

    private void pool(Node n, int type, long[] kernel, long[] stride, long[] padding, boolean excludePad) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length != 4) throw refuse("pooling needs a batched (N, C, H, W) input, got " + Arrays.toString(x));
        for (int i = 0; i < 2; i++) {
            if (padding[i] * 2 > kernel[i]) throw refuse("padding larger than half the kernel");
        }
        long[] y = {x[0], x[1], 0, 0};
        for (int i = 0; i < 2; i++) {
            y[2 + i] = (x[2 + i] + 2 * padding[i] - kernel[i]) / stride[i] + 1;
            if (y[2 + i] <= 0) throw refuse("output would be empty for input " + Arrays.toString(x));
        }
        ProtoMessage border = new ProtoMessage();
        for (long p : padding) border.message(BORDER_AMOUNTS, new ProtoMessage().varint(EDGE_START, p).varint(EDGE_END, p));
        ProtoMessage p = new ProtoMessage().varint(POOL_TYPE, type).varints(POOL_KERNEL_SIZE, kernel).varints(POOL_STRIDE, stride)
                .message(POOL_VALID, new ProtoMessage().message(VALID_PADDING_AMOUNTS, border)).bool(POOL_EXCLUDE_PADDING, excludePad);
        emit("pooling", LAYER_POOLING, List.of(in(n, 0)), n.outputs().get(0), y, p);
    }

    private void adaptiveAvgPool(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        if (x.length != 4) throw refuse("adaptive pooling needs a batched (N, C, H, W) input, got " + Arrays.toString(x));
        long[] size = expand(ints(n, 1), 2);
        long[] y = {x[0], x[1], size[0], size[1]};
        if (size[0] == 1 && size[1] == 1) {
            ProtoMessage border = new ProtoMessage().message(BORDER_AMOUNTS, new ProtoMessage()).message(BORDER_AMOUNTS, new ProtoMessage());
            ProtoMessage p = new ProtoMessage().varint(POOL_TYPE, POOL_AVERAGE).varints(POOL_KERNEL_SIZE, new long[] {0, 0})
                    .varints(POOL_STRIDE, new long[] {0, 0}).message(POOL_VALID, new ProtoMessage().message(VALID_PADDING_AMOUNTS, border))
                    .bool(POOL_EXCLUDE_PADDING, true).bool(POOL_GLOBAL, true);
            emit("pooling", LAYER_POOLING, List.of(in(n, 0)), n.outputs().get(0), y, p);
            return;
        }
        long[] kernel = new long[2];
        for (int i = 0; i < 2; i++) {
            if (size[i] <= 0 || x[2 + i] % size[i] != 0) {
                throw refuse("output size " + Arrays.toString(size) + " does not divide the input " + Arrays.toString(x) + " (uneven windows)");
            }
            kernel[i] = x[2 + i] / size[i];
        }
        pool(n, POOL_AVERAGE, kernel, kernel, new long[] {0, 0}, true);
    }

    private void elementwise(Node n, int field, String type) throws UnsupportedModelException {
        long[] a = shape(n, 0);
        boolean isAdd = field == LAYER_ADD;
        double alpha = isAdd && n.inputs().size() > 2 ? number(n, 2) : 1.0;
        String b = in(n, 1);
        if (shapes.containsKey(b)) {
            if (alpha != 1.0) throw refuse("add with alpha != 1 of two tensors is not supported");
            long[] bs = shapes.get(b);
            if (!Arrays.equals(a, bs)) throw refuse("broadcasting " + Arrays.toString(a) + " with " + Arrays.toString(bs) + " is not supported; shapes must be equal");
            emit(type, field, List.of(in(n, 0), b), n.outputs().get(0), a, new ProtoMessage());
            return;
        }
        double scalar = number(n, 1) * alpha;
        ProtoMessage p = new ProtoMessage().floatValue(ELEMENTWISE_ALPHA, (float) scalar);
        emit(type, field, List.of(in(n, 0)), n.outputs().get(0), a, p);
    }

    private void matmul(Node n) throws UnsupportedModelException {
        long[] a = shape(n, 0);
        String bName = in(n, 1);
        if (a.length < 2) throw refuse("matmul of a rank-" + a.length + " left operand is not supported");
        if (!shapes.containsKey(bName)) {
            FloatTensor w = weight(n, 1, "the right operand");
            if (w.shape().length != 2) throw refuse("a constant right operand must be 2-D, it is " + Arrays.toString(w.shape()));
            if (a[a.length - 1] != w.shape()[0]) throw refuse("shapes " + Arrays.toString(a) + " and " + Arrays.toString(w.shape()) + " do not multiply");
            long[] y = a.clone();
            y[y.length - 1] = w.shape()[1];
            ProtoMessage p = new ProtoMessage().varint(BMM_WEIGHT_ROWS, w.shape()[0]).varint(BMM_WEIGHT_COLUMNS, w.shape()[1])
                    .message(BMM_WEIGHTS, weights(w.data()));
            emit("batchedMatmul", LAYER_BATCHED_MATMUL, List.of(in(n, 0)), n.outputs().get(0), y, p);
            return;
        }
        long[] b = shapes.get(bName);
        if (b.length < 2) throw refuse("matmul of a rank-" + b.length + " right operand is not supported");
        if (a[a.length - 1] != b[b.length - 2]) throw refuse("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not multiply");
        int rank = Math.max(a.length, b.length);
        long[] y = new long[rank];
        for (int i = 0; i < rank - 2; i++) {
            long da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            long db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) throw refuse("batch dimensions of " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            y[i] = Math.max(da, db);
        }
        y[rank - 2] = a[a.length - 2];
        y[rank - 1] = b[b.length - 1];
        emit("batchedMatmul", LAYER_BATCHED_MATMUL, List.of(in(n, 0), bName), n.outputs().get(0), y, new ProtoMessage());
    }

    private void transpose(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        int d0 = checkedAxis(integer(n, 1), x.length);
        int d1 = checkedAxis(integer(n, 2), x.length);
        long[] perm = new long[x.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[d0] = d1;
        perm[d1] = d0;
        emitTranspose(n, x, perm);
    }

    private void permute(Node n) throws UnsupportedModelException {
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
        emit("transpose", LAYER_TRANSPOSE, List.of(in(n, 0)), n.outputs().get(0), y, new ProtoMessage().varints(TRANSPOSE_AXES, perm));
    }

    private void reshape(Node n) throws UnsupportedModelException {
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
        emit("reshapeStatic", LAYER_RESHAPE_STATIC, List.of(in(n, 0)), n.outputs().get(0), target,
                new ProtoMessage().varints(RESHAPE_TARGET_SHAPE, target));
    }

    private void flatten(Node n) throws UnsupportedModelException {
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

    private void cat(Node n) throws UnsupportedModelException {
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
        emit("concatND", LAYER_CONCAT_ND, parts, n.outputs().get(0), y, new ProtoMessage().varint(AXIS, axis));
    }

    private void slice(Node n) throws UnsupportedModelException {
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
        long[] beginMask = new long[x.length];
        long[] endMask = new long[x.length];
        Arrays.fill(strides, 1);
        Arrays.fill(beginMask, 1);
        Arrays.fill(endMask, 1);
        begin[axis] = start;
        ends[axis] = end;
        strides[axis] = step;
        beginMask[axis] = 0;
        endMask[axis] = 0;
        ProtoMessage p = new ProtoMessage().varints(SLICE_BEGIN_IDS, begin).varints(SLICE_BEGIN_MASKS, beginMask)
                .varints(SLICE_END_IDS, ends).varints(SLICE_END_MASKS, endMask).varints(SLICE_STRIDES, strides);
        emit("sliceStatic", LAYER_SLICE_STATIC, List.of(in(n, 0)), n.outputs().get(0), y, p);
    }

    private void layerNorm(Node n) throws UnsupportedModelException {
        long[] x = shape(n, 0);
        long[] normalized = ints(n, 1);
        if ((x.length != 2 && x.length != 3) || normalized.length != 1 || normalized[0] != x[x.length - 1]) {
            throw refuse("layer norm is supported over the last dimension of a rank-2 or rank-3 input; got input "
                    + Arrays.toString(x) + ", normalized_shape " + Arrays.toString(normalized));
        }
        long c = normalized[0];
        float[] gamma = isNone(n, 2) ? filled(c, 1f) : weight(n, 2, "the weight").data();
        float[] beta = isNone(n, 3) ? filled(c, 0f) : weight(n, 3, "the bias").data();
        double eps = number(n, 4);
        String out = n.outputs().get(0);
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

    private void embedding(Node n) throws UnsupportedModelException {
        FloatTensor w = weight(n, 0, "the embedding table");
        if (w.shape().length != 2) throw refuse("the embedding table must be 2-D");
        long[] ids = shape(n, 1);
        if (ids.length + 1 > 5) throw refuse("index tensor of rank " + ids.length + " is too large");
        if (n.inputs().size() > 4 && bool(n, 4)) throw refuse("sparse embedding is not supported");
        long vocab = w.shape()[0];
        long dim = w.shape()[1];
        String out = n.outputs().get(0);
        String expanded = out + "_expand_dims";
        long[] withOne = Arrays.copyOf(ids, ids.length + 1);
        withOne[ids.length] = 1;
        emit("expandDims", LAYER_EXPAND_DIMS, List.of(in(n, 1)), expanded, withOne, new ProtoMessage().varints(DIMS_AXES, new long[] {-1}));
        long[] y = Arrays.copyOf(ids, ids.length + 1);
        y[ids.length] = dim;
        emit("embeddingND", LAYER_EMBEDDING_ND, List.of(expanded), out, y, new ProtoMessage().varint(EMB_VOCAB_SIZE, vocab)
                .varint(EMB_EMBEDDING_SIZE, dim).bool(EMB_HAS_BIAS, false).message(EMB_WEIGHTS, weights(transpose2d(w))));
    }
}
