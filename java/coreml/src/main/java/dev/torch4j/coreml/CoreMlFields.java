package dev.torch4j.coreml;

/**
 * Field numbers of the Core ML specification messages torch4j writes (Model.proto, FeatureTypes.proto,
 * NeuralNetwork.proto as Apple publishes them). Only the subset a NeuralNetwork model of the supported
 * layers needs; the numbers are format facts and must never change.
 */
final class CoreMlFields {
    private CoreMlFields() {}

    /** The specification version coremltools writes for NeuralNetwork models with ND layers (iOS 13). */
    static final int SPECIFICATION_VERSION = 4;

    // Model
    static final int MODEL_SPECIFICATION_VERSION = 1;
    static final int MODEL_DESCRIPTION = 2;
    static final int MODEL_NEURAL_NETWORK = 500;

    // ModelDescription
    static final int DESCRIPTION_INPUT = 1;
    static final int DESCRIPTION_OUTPUT = 10;
    static final int DESCRIPTION_METADATA = 100;
    // Metadata
    static final int METADATA_SHORT_DESCRIPTION = 1;
    static final int METADATA_USER_DEFINED = 100;
    // map<string,string> entries
    static final int MAP_KEY = 1;
    static final int MAP_VALUE = 2;

    // FeatureDescription / FeatureType / ArrayFeatureType
    static final int FEATURE_NAME = 1;
    static final int FEATURE_TYPE = 3;
    static final int FEATURE_TYPE_MULTI_ARRAY = 5;
    static final int ARRAY_SHAPE = 1;
    static final int ARRAY_DATA_TYPE = 2;
    static final int ARRAY_DATA_TYPE_FLOAT32 = 65568;
    static final int ARRAY_DATA_TYPE_INT32 = 131104;

    // NeuralNetwork
    static final int NN_LAYERS = 1;
    static final int NN_ARRAY_INPUT_SHAPE_MAPPING = 5;
    static final int EXACT_ARRAY_MAPPING = 1;

    // NeuralNetworkLayer
    static final int LAYER_NAME = 1;
    static final int LAYER_INPUT = 2;
    static final int LAYER_OUTPUT = 3;
    static final int LAYER_CONVOLUTION = 100;
    static final int LAYER_POOLING = 120;
    static final int LAYER_ACTIVATION = 130;
    static final int LAYER_INNER_PRODUCT = 140;
    static final int LAYER_BATCHNORM = 160;
    static final int LAYER_MVN = 165;
    static final int LAYER_ADD = 230;
    static final int LAYER_MULTIPLY = 231;
    static final int LAYER_SCALE = 245;
    static final int LAYER_GELU = 795;
    static final int LAYER_SOFTMAX_ND = 950;
    static final int LAYER_CONCAT_ND = 980;
    static final int LAYER_TRANSPOSE = 985;
    static final int LAYER_SLICE_STATIC = 995;
    static final int LAYER_EMBEDDING_ND = 1040;
    static final int LAYER_BATCHED_MATMUL = 1045;
    static final int LAYER_SQUEEZE = 1120;
    static final int LAYER_EXPAND_DIMS = 1125;
    static final int LAYER_RESHAPE_STATIC = 1140;
    static final int LAYER_CLIP = 660;
    static final int LAYER_UNARY = 220;
    static final int LAYER_ROUND = 685;
    static final int LAYER_UPSAMPLE = 210;
    static final int LAYER_REORGANIZE_DATA = 345;
    static final int LAYER_ADD_BROADCASTABLE = 880;
    static final int LAYER_SUBTRACT_BROADCASTABLE = 905;
    static final int LAYER_MULTIPLY_BROADCASTABLE = 900;
    static final int LAYER_DIVIDE_BROADCASTABLE = 890;
    static final int LAYER_GREATER_THAN = 830;
    static final int LAYER_LESS_THAN = 825;
    static final int LAYER_WHERE_BROADCASTABLE = 1330;
    static final int LAYER_REDUCE_SUM = 1270;
    static final int LAYER_REDUCE_MEAN = 1280;
    static final int LAYER_SPLIT_ND = 975;
    static final int LAYER_LOAD_CONSTANT_ND = 1070;
    static final int LAYER_UNI_LSTM = 420;
    static final int LAYER_BI_LSTM = 430;

    // UniDirectionalLSTMLayerParams / BiDirectionalLSTMLayerParams
    static final int LSTM_INPUT_VECTOR_SIZE = 1;
    static final int LSTM_OUTPUT_VECTOR_SIZE = 2;
    static final int LSTM_ACTIVATIONS = 10;
    static final int LSTM_ACTIVATIONS_BACKWARD = 11;
    static final int LSTM_PARAMS = 15;
    static final int LSTM_WEIGHT_PARAMS = 20;
    // LSTMParams
    static final int LSTM_SEQUENCE_OUTPUT = 10;
    static final int LSTM_HAS_BIAS_VECTORS = 20;
    static final int LSTM_FORGET_BIAS = 30;
    static final int LSTM_CELL_CLIP_THRESHOLD = 60;
    // LSTMWeightParams: gates input, forget, block input (PyTorch's g), output
    static final int LSTM_W_INPUT = 1;
    static final int LSTM_W_FORGET = 2;
    static final int LSTM_W_BLOCK = 3;
    static final int LSTM_W_OUTPUT = 4;
    static final int LSTM_R_INPUT = 20;
    static final int LSTM_R_FORGET = 21;
    static final int LSTM_R_BLOCK = 22;
    static final int LSTM_R_OUTPUT = 23;
    static final int LSTM_B_INPUT = 40;
    static final int LSTM_B_FORGET = 41;
    static final int LSTM_B_BLOCK = 42;
    static final int LSTM_B_OUTPUT = 43;

    /** Specification version 5 (iOS 14): upsampling with an align-corners mode, PIXEL_SHUFFLE reorganisation. */
    static final int SPECIFICATION_VERSION_IOS14 = 5;

    // WeightParams
    static final int WEIGHT_FLOAT_VALUE = 1;

    // InnerProductLayerParams
    static final int IP_INPUT_CHANNELS = 1;
    static final int IP_OUTPUT_CHANNELS = 2;
    static final int IP_HAS_BIAS = 10;
    static final int IP_WEIGHTS = 20;
    static final int IP_BIAS = 21;

    // ConvolutionLayerParams
    static final int CONV_OUTPUT_CHANNELS = 1;
    static final int CONV_KERNEL_CHANNELS = 2;
    static final int CONV_N_GROUPS = 10;
    static final int CONV_KERNEL_SIZE = 20;
    static final int CONV_STRIDE = 30;
    static final int CONV_DILATION = 40;
    static final int CONV_VALID = 50;
    static final int CONV_IS_DECONVOLUTION = 60;
    static final int CONV_HAS_BIAS = 70;
    static final int CONV_WEIGHTS = 90;
    static final int CONV_BIAS = 91;
    static final int CONV_OUTPUT_SHAPE = 100;
    // ValidPadding / BorderAmounts / EdgeSizes
    static final int VALID_PADDING_AMOUNTS = 1;
    static final int BORDER_AMOUNTS = 10;
    static final int EDGE_START = 1;
    static final int EDGE_END = 2;

    // PoolingLayerParams
    static final int POOL_TYPE = 1;
    static final int POOL_MAX = 0;
    static final int POOL_AVERAGE = 1;
    static final int POOL_KERNEL_SIZE = 10;
    static final int POOL_STRIDE = 20;
    static final int POOL_VALID = 30;
    static final int POOL_EXCLUDE_PADDING = 50;
    static final int POOL_GLOBAL = 60;

    // ActivationParams: empty sub-messages select the function
    static final int ACTIVATION_RELU = 10;
    static final int ACTIVATION_TANH = 30;
    static final int ACTIVATION_SIGMOID = 40;
    static final int ACTIVATION_LINEAR = 5;
    static final int ACTIVATION_LEAKY_RELU = 15;
    static final int ACTIVATION_SIGMOID_HARD = 41;
    static final int ACTIVATION_ELU = 50;
    // ActivationLinear (alpha, beta), ActivationSigmoidHard (alpha, beta), ActivationLeakyReLU / ActivationELU (alpha)
    static final int ACTIVATION_ALPHA = 1;
    static final int ACTIVATION_BETA = 2;

    // ClipLayerParams
    static final int CLIP_MIN = 1;
    static final int CLIP_MAX = 2;

    // UnaryFunctionLayerParams
    static final int UNARY_TYPE = 1;
    static final int UNARY_ALPHA = 2;
    static final int UNARY_EPSILON = 3;
    static final int UNARY_SHIFT = 4;
    static final int UNARY_SCALE = 5;
    static final int UNARY_SQRT = 0;
    static final int UNARY_RSQRT = 1;
    static final int UNARY_INVERSE = 2;
    static final int UNARY_EXP = 4;
    static final int UNARY_LOG = 5;
    static final int UNARY_ABS = 6;

    // GreaterThanLayerParams / LessThanLayerParams: the scalar compared with when there is one input
    static final int COMPARE_ALPHA = 2;

    // UpsampleLayerParams
    static final int UPSAMPLE_SCALING_FACTOR = 1;
    static final int UPSAMPLE_MODE = 5;
    static final int UPSAMPLE_LINEAR_MODE = 6;
    static final int UPSAMPLE_NN = 0;
    static final int UPSAMPLE_BILINEAR = 1;
    static final int UPSAMPLE_ALIGN_CORNERS_TRUE = 1;
    static final int UPSAMPLE_ALIGN_CORNERS_FALSE = 2;

    // ReorganizeDataLayerParams
    static final int REORGANIZE_MODE = 1;
    static final int REORGANIZE_BLOCK_SIZE = 2;
    static final int REORGANIZE_PIXEL_SHUFFLE = 2;

    // ReduceSum/ReduceMean LayerParams
    static final int REDUCE_AXES = 1;
    static final int REDUCE_KEEP_DIMS = 2;
    static final int REDUCE_ALL = 3;

    // SplitNDLayerParams
    static final int SPLIT_AXIS = 1;
    static final int SPLIT_NUM_SPLITS = 2;
    static final int SPLIT_SIZES = 3;

    // LoadConstantNDLayerParams
    static final int LOAD_CONSTANT_SHAPE = 1;
    static final int LOAD_CONSTANT_DATA = 2;

    // BatchnormLayerParams
    static final int BN_CHANNELS = 1;
    static final int BN_EPSILON = 10;
    static final int BN_GAMMA = 15;
    static final int BN_BETA = 16;
    static final int BN_MEAN = 17;
    static final int BN_VARIANCE = 18;

    // MeanVarianceNormalizeLayerParams
    static final int MVN_ACROSS_CHANNELS = 1;
    static final int MVN_NORMALIZE_VARIANCE = 2;
    static final int MVN_EPSILON = 3;

    // ScaleLayerParams
    static final int SCALE_SHAPE_SCALE = 1;
    static final int SCALE_SCALE = 2;
    static final int SCALE_HAS_BIAS = 3;
    static final int SCALE_SHAPE_BIAS = 4;
    static final int SCALE_BIAS = 5;

    // AddLayerParams / MultiplyLayerParams
    static final int ELEMENTWISE_ALPHA = 1;

    // GeluLayerParams
    static final int GELU_MODE = 1;
    static final int GELU_EXACT = 0;
    static final int GELU_TANH_APPROXIMATION = 1;

    // SoftmaxNDLayerParams / ConcatNDLayerParams
    static final int AXIS = 1;

    // TransposeLayerParams
    static final int TRANSPOSE_AXES = 1;

    // SliceStaticLayerParams
    static final int SLICE_BEGIN_IDS = 1;
    static final int SLICE_BEGIN_MASKS = 2;
    static final int SLICE_END_IDS = 3;
    static final int SLICE_END_MASKS = 4;
    static final int SLICE_STRIDES = 5;

    // EmbeddingNDLayerParams
    static final int EMB_VOCAB_SIZE = 1;
    static final int EMB_EMBEDDING_SIZE = 2;
    static final int EMB_HAS_BIAS = 3;
    static final int EMB_WEIGHTS = 20;

    // BatchedMatMulLayerParams. With one input the weights are a (first x second) matrix stored
    // column-major (NeuralNetwork.proto; coremltools' builder writes W transposed, flattened).
    static final int BMM_WEIGHT_ROWS = 5;
    static final int BMM_WEIGHT_COLUMNS = 6;
    static final int BMM_HAS_BIAS = 7;
    static final int BMM_WEIGHTS = 8;
    static final int BMM_BIAS = 9;

    // ReshapeStaticLayerParams
    static final int RESHAPE_TARGET_SHAPE = 1;

    // ExpandDimsLayerParams / SqueezeLayerParams
    static final int DIMS_AXES = 1;
}
