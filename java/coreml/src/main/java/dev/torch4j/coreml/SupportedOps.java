package dev.torch4j.coreml;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The TorchScript ops {@code export-coreml} converts, with the Core ML NeuralNetwork layers each
 * becomes. The README's table is generated from {@link #TABLE} (a test keeps them equal). An op not
 * listed here is unsupported: {@code --check-only} names it, and export refuses the model.
 */
public final class SupportedOps {
    private SupportedOps() {}

    /** Op kind (as it appears in a frozen TorchScript graph) to the Core ML layers written for it. */
    public static final Map<String, String> TABLE = table();

    /** Graph plumbing: constants, lists and shape queries that are folded away and write no layer. */
    public static final Set<String> FOLDED = Set.of("prim::Constant", "prim::ListConstruct", "prim::TupleConstruct",
            "aten::size", "aten::Int", "prim::NumToTensor", "aten::ScalarImplicit");

    private static Map<String, String> table() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("aten::linear", "innerProduct (rank 1-3 input), batchedMatmul with weights (rank 4+)");
        t.put("aten::_convolution", "convolution (2-D; 1-D through expandDims/squeeze); groups, stride, padding, dilation");
        t.put("aten::conv2d", "convolution; groups, stride, padding, dilation");
        t.put("aten::conv1d", "expandDims, convolution, squeeze");
        t.put("aten::batch_norm", "batchnorm (rank-4 input, eval mode); folded into a preceding convolution by freezing");
        t.put("aten::relu", "activation ReLU");
        t.put("aten::gelu", "gelu (EXACT, or TANH_APPROXIMATION for approximate='tanh')");
        t.put("aten::tanh", "activation tanh");
        t.put("aten::sigmoid", "activation sigmoid");
        t.put("aten::silu", "activation sigmoid, multiply");
        t.put("aten::softmax", "softmaxND");
        t.put("aten::max_pool2d", "pooling MAX (no dilation, no ceil_mode)");
        t.put("aten::avg_pool2d", "pooling AVERAGE (no ceil_mode, no divisor_override)");
        t.put("aten::adaptive_avg_pool2d", "pooling AVERAGE: global for output 1x1, else when the output size divides the input");
        t.put("aten::add", "add (same shapes, or a scalar as alpha)");
        t.put("aten::mul", "multiply (same shapes, or a scalar as alpha)");
        t.put("aten::matmul", "batchedMatmul (a constant rank-2 right operand becomes its weights)");
        t.put("aten::transpose", "transpose");
        t.put("aten::permute", "transpose");
        t.put("aten::reshape", "reshapeStatic");
        t.put("aten::view", "reshapeStatic");
        t.put("aten::flatten", "reshapeStatic");
        t.put("aten::cat", "concatND");
        t.put("aten::slice", "sliceStatic");
        t.put("aten::layer_norm", "reshapeStatic, mvn, scale, reshapeStatic (rank 2-3 input, last dimension)");
        t.put("aten::embedding", "expandDims, embeddingND");
        t.put("aten::contiguous", "(no layer)");
        t.put("aten::dropout", "(no layer: eval mode)");
        return java.util.Collections.unmodifiableMap(t);
    }

    /** Whether the converter knows this op kind (plumbing included). */
    public static boolean isSupported(String kind) {
        return TABLE.containsKey(kind) || FOLDED.contains(kind);
    }
}
