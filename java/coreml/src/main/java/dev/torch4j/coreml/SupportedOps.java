package dev.torch4j.coreml;

import dev.torch4j.coreml.TorchGraph.Node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one registry of what {@code export-coreml} converts: per TorchScript op, the converter that
 * writes it, the constraints it checks, the Core ML layers it writes, and the coremltools 6.2 converter
 * that does the same. The converter dispatches through it (an op absent here is unsupported) and
 * docs/coreml.md's op table is generated from it ({@link #markdownTable()}; a test keeps them equal),
 * so the documentation, the check and the export cannot disagree.
 */
public final class SupportedOps {
    private SupportedOps() {}

    /** Converts one node; throws with the reason when its arguments are outside the constraints. */
    @FunctionalInterface
    interface Converter {
        void convert(GraphConverter c, Node n) throws UnsupportedModelException;
    }

    /**
     * One op.
     *
     * @param op          the op kind in a frozen TorchScript graph, {@code aten::relu}
     * @param inPlace     whether {@code op_} (the in-place form, {@code aten::relu_}) is converted too
     * @param layers      the Core ML NeuralNetwork layers written
     * @param constraints what the converter refuses (empty: nothing beyond static shapes)
     * @param coremltools the coremltools 6.2 torch frontend function that converts the same op
     */
    record Entry(String op, boolean inPlace, String layers, String constraints, String coremltools, Converter converter) {}

    /** The coremltools column where coremltools 6.2 registers no converter under the op's name. */
    static final String NONE = "-";

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    private static void op(String op, boolean inPlace, String layers, String constraints, String coremltools, Converter c) {
        if (ENTRIES.put(op, new Entry(op, inPlace, layers, constraints, coremltools, c)) != null) throw new IllegalStateException(op);
    }

    static {
        // Graph plumbing: folded into constants, shapes and blob names; no layer.
        op("prim::ListConstruct", false, "(none)", "", "listconstruct", GraphConverter::listConstruct);
        op("prim::ListUnpack", false, "(none)", "lists built in the graph", "listunpack", GraphConverter::listUnpack);
        op("aten::size", false, "(none: static shapes)", "", "size", GraphConverter::size);
        op("aten::Int", false, "(none)", "constant arguments", "_int", GraphConverter::passConstant);
        op("prim::NumToTensor", false, "(none)", "constant arguments", "numtotensor", GraphConverter::passConstant);
        op("aten::ScalarImplicit", false, "(none)", "constant arguments", "scalarimplicit", GraphConverter::passConstant);
        op("aten::zeros", false, "(none: a constant)", "constant size", "zeros", (c, n) -> c.filledConstant(n, 0f));
        op("aten::ones", false, "(none: a constant)", "constant size", "ones", (c, n) -> c.filledConstant(n, 1f));
        op("aten::contiguous", false, "(none)", "", "contiguous", GraphConverter::alias);
        op("aten::clone", false, "(none)", "", "clone", GraphConverter::copy);
        op("aten::detach", false, "(none)", "", "detach", GraphConverter::copy);
        op("aten::to", false, "(none)", "to float32 only", "to", GraphConverter::to);
        op("aten::dropout", true, "(none)", "eval mode", "dropout", GraphConverter::dropout);
        // Layers with weights.
        op("aten::linear", false, "innerProduct (input rank 1-3), batchedMatmul with weights (rank 4-5)", "constant weight and bias", "linear",
                GraphConverter::linear);
        op("aten::_convolution", false, "convolution (2-D; 1-D through expandDims/squeeze); transposed: convolution isDeconvolution + sliceStatic",
                "constant weights; transposed: 2-D, no dilation, output_padding <= padding", "_convolution", GraphConverter::convolutionUnderscore);
        op("aten::conv2d", false, "convolution", "constant weights; padding 'same' only with stride 1", "conv2d", GraphConverter::convolutionPlain);
        op("aten::_convolution_mode", false, "convolution (1-D through expandDims/squeeze)", "constant weights; padding 'same' only with stride 1",
                "_convolution_mode", GraphConverter::convolutionPlain);
        op("aten::conv1d", false, "expandDims, convolution, squeeze", "constant weights; padding 'same' only with stride 1", NONE,
                GraphConverter::convolutionPlain);
        op("aten::conv_transpose2d", false, "convolution isDeconvolution (+ sliceStatic for padding)",
                "constant weights, no dilation, output_padding <= padding", NONE, GraphConverter::convTransposePlain);
        op("aten::batch_norm", false, "batchnorm (or folded into the preceding convolution by freezing)", "rank-4 input, eval mode",
                "batch_norm", GraphConverter::batchNorm);
        op("aten::layer_norm", false, "reshapeStatic, mvn, scale, reshapeStatic", "over the last dimension of a rank 2-4 input",
                "layer_norm", GraphConverter::layerNorm);
        op("aten::embedding", false, "expandDims, embeddingND", "constant 2-D table, not sparse", "embedding", GraphConverter::embedding);
        op("aten::matmul", false, "batchedMatmul (a constant 2-D right operand becomes its weights)", "ranks >= 2", "matmul",
                GraphConverter::matmul);
        op("aten::bmm", false, "batchedMatmul", "rank-3 operands", "bmm", GraphConverter::bmm);
        // Activations.
        op("aten::relu", true, "activation ReLU", "", "relu", GraphConverter::relu);
        op("aten::relu6", true, "clip [0, 6]", "", "relu6", GraphConverter::relu6);
        op("aten::hardtanh", true, "clip", "constant bounds", "hardtanh", GraphConverter::hardtanh);
        op("aten::clamp", true, "clip (an absent bound is the largest float)", "constant bounds", "clamp", GraphConverter::clamp);
        op("aten::sigmoid", true, "activation sigmoid", "", "sigmoid", GraphConverter::sigmoid);
        op("aten::hardsigmoid", true, "activation sigmoidHard (alpha 1/6, beta 1/2)", "", "hardsigmoid", GraphConverter::hardsigmoid);
        op("aten::tanh", true, "activation tanh", "", "tanh", GraphConverter::tanh);
        op("aten::silu", true, "activation sigmoid, multiply", "", "silu", GraphConverter::silu);
        op("aten::hardswish", true, "activation sigmoidHard, multiply", "", "hardswish", GraphConverter::hardswish);
        op("aten::gelu", false, "gelu (EXACT, or TANH_APPROXIMATION for approximate='tanh')", "", "gelu", GraphConverter::gelu);
        op("aten::leaky_relu", true, "activation leakyReLU", "constant slope", "leaky_relu", GraphConverter::leakyRelu);
        op("aten::elu", true, "activation ELU", "scale and input_scale 1", "elu", GraphConverter::elu);
        op("aten::softmax", false, "softmaxND", "no dtype", "softmax", GraphConverter::softmax);
        op("aten::log_softmax", false, "softmaxND, unary LOG", "no dtype", "log_softmax", GraphConverter::logSoftmax);
        // Element-wise.
        op("aten::add", true, "add (equal shapes, or a number as alpha), addBroadcastable", "alpha 1 between tensors", "add",
                GraphConverter::add);
        op("aten::sub", true, "add (a number), subtractBroadcastable", "alpha 1 between tensors", "sub", GraphConverter::sub);
        op("aten::mul", true, "multiply (equal shapes, or a number as alpha), multiplyBroadcastable", "", "mul", GraphConverter::mul);
        op("aten::div", true, "multiply (by 1/number), divideBroadcastable", "no rounding_mode", "div", GraphConverter::div);
        op("aten::neg", true, "activation linear (alpha -1)", "", "neg", GraphConverter::neg);
        op("aten::abs", true, "unary ABS", "", "abs", (g, n) -> g.unary(n, CoreMlFields.UNARY_ABS));
        op("aten::exp", true, "unary EXP", "", "exp", (g, n) -> g.unary(n, CoreMlFields.UNARY_EXP));
        op("aten::log", true, "unary LOG", "", "log", (g, n) -> g.unary(n, CoreMlFields.UNARY_LOG));
        op("aten::sqrt", true, "unary SQRT", "", "sqrt", (g, n) -> g.unary(n, CoreMlFields.UNARY_SQRT));
        op("aten::rsqrt", true, "unary RSQRT", "", "rsqrt", (g, n) -> g.unary(n, CoreMlFields.UNARY_RSQRT));
        op("aten::reciprocal", true, "unary INVERSE", "", "reciprocal", (g, n) -> g.unary(n, CoreMlFields.UNARY_INVERSE));
        op("aten::round", true, "round", "no decimals; halves may round away from zero where PyTorch rounds to even", "round",
                GraphConverter::round);
        op("aten::gt", false, "greaterThan (1.0/0.0)", "", "gt", (g, n) -> g.compare(n, "greaterThan", CoreMlFields.LAYER_GREATER_THAN));
        op("aten::lt", false, "lessThan (1.0/0.0)", "", "lt", (g, n) -> g.compare(n, "lessThan", CoreMlFields.LAYER_LESS_THAN));
        op("aten::where", false, "whereBroadcastable", "the condition-tensor form", "where", GraphConverter::where);
        // Recurrent.
        op("aten::lstm", false, "uniDirectionalLSTM or biDirectionalLSTM per layer (+ expandDims/squeeze, transpose for batch_first; sliceStatic for a given initial state, concatND for h_n/c_n)",
                "initial state zeros or computed from the inputs, constant weights, eval mode", "lstm",
                GraphConverter::lstm);
        op("aten::gru", false, "unrolled over the sequence: innerProduct, splitND, sliceStatic, add, multiply, "
                + "subtractBroadcastable, activation sigmoid/tanh, concatND (+ transpose for batch_first)",
                "initial state zeros or computed from the inputs, constant weights, eval mode", "gru",
                GraphConverter::gru);
        // Reductions.
        op("aten::mean", false, "reduceMean", "a result of rank >= 1, no dtype", "mean", (g, n) -> g.reduce(n, "reduceMean", CoreMlFields.LAYER_REDUCE_MEAN));
        op("aten::sum", false, "reduceSum", "a result of rank >= 1, no dtype", "sum", (g, n) -> g.reduce(n, "reduceSum", CoreMlFields.LAYER_REDUCE_SUM));
        // Pooling and resampling.
        op("aten::max_pool2d", false, "pooling MAX", "no dilation; ceil_mode through end padding", "max_pool2d", GraphConverter::maxPool);
        op("aten::avg_pool2d", false, "pooling AVERAGE",
                "no divisor_override; ceil_mode with padding needs count_include_pad=False", "avg_pool2d", GraphConverter::avgPool);
        op("aten::adaptive_avg_pool2d", false, "pooling AVERAGE (global for 1x1)", "output size divides the input",
                "adaptive_avg_pool2d", GraphConverter::adaptiveAvgPool);
        op("aten::upsample_nearest2d", false, "upsample NN", "whole-number scale factors", "upsample_nearest2d",
                GraphConverter::upsampleNearest);
        op("aten::upsample_bilinear2d", false, "upsample BILINEAR, ALIGN_CORNERS_TRUE/FALSE (specification 5)",
                "whole-number scale factors", "upsample_bilinear2d", GraphConverter::upsampleBilinear);
        op("aten::pixel_shuffle", false, "reorganizeData PIXEL_SHUFFLE (specification 5)", "rank-4 input", "pixel_shuffle",
                GraphConverter::pixelShuffle);
        // Layout.
        op("aten::transpose", false, "transpose", "", "transpose", GraphConverter::transpose);
        op("aten::permute", false, "transpose", "", "permute", GraphConverter::permute);
        op("aten::reshape", false, "reshapeStatic", "constant shape, rank 1-5", "reshape", GraphConverter::reshape);
        op("aten::view", false, "reshapeStatic", "constant shape, rank 1-5", "view", GraphConverter::reshape);
        op("aten::flatten", false, "reshapeStatic", "", "flatten", GraphConverter::flatten);
        op("aten::unsqueeze", false, "expandDims", "result rank <= 5", "unsqueeze", GraphConverter::unsqueeze);
        op("aten::squeeze", false, "squeeze (none when the dimension is not 1)", "a result of rank >= 1", "squeeze",
                GraphConverter::squeeze);
        op("aten::cat", false, "concatND", "tensors computed from the inputs", "cat", GraphConverter::cat);
        op("aten::chunk", false, "splitND", "", NONE, GraphConverter::chunk);
        op("aten::slice", false, "sliceStatic (none for a whole-axis slice)", "positive step", "slice", GraphConverter::slice);
    }

    /** Every entry, in the order docs/coreml.md lists them. */
    static List<Entry> entries() {
        return List.copyOf(ENTRIES.values());
    }

    /** The entry converting this op kind ({@code aten::relu_} finds {@code aten::relu}), or null when unsupported. */
    static Entry lookup(String kind) {
        Entry e = ENTRIES.get(kind);
        if (e != null) return e;
        if (kind.endsWith("_") && !kind.endsWith("__")) {
            Entry base = ENTRIES.get(kind.substring(0, kind.length() - 1));
            if (base != null && base.inPlace()) return base;
        }
        return null;
    }

    /** Whether the kind is the in-place form of a supported op. */
    static boolean isInPlace(String kind) {
        return !ENTRIES.containsKey(kind) && lookup(kind) != null;
    }

    /** Whether the converter knows this op kind (plumbing and in-place forms included). */
    public static boolean isSupported(String kind) {
        return kind.equals("prim::Constant") || lookup(kind) != null;
    }

    /** The Markdown table in docs/coreml.md, generated from the entries. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| TorchScript op | Core ML layers | Constraints | coremltools 6.2 |\n| --- | --- | --- | --- |\n");
        for (Entry e : ENTRIES.values()) {
            sb.append("| `").append(e.op()).append('`');
            if (e.inPlace()) sb.append(", `").append(e.op().substring(e.op().indexOf("::") + 2)).append("_`");
            sb.append(" | ").append(e.layers()).append(" | ").append(e.constraints().isEmpty() ? "" : e.constraints())
                    .append(" | ").append(e.coremltools().equals(NONE) ? NONE : "`" + e.coremltools() + "`").append(" |\n");
        }
        return sb.toString();
    }
}
