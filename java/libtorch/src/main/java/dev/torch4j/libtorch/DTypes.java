package dev.torch4j.libtorch;

import dev.torch4j.tensor.DType;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.EnumMap;
import java.util.Map;

/** torch4j's {@link DType} to libtorch's {@code c10::ScalarType} and back. */
final class DTypes {
    private DTypes() {}

    private static final Map<DType, ScalarType> TO_NATIVE = new EnumMap<>(DType.class);
    private static final Map<ScalarType, DType> FROM_NATIVE = new EnumMap<>(ScalarType.class);

    private static void pair(DType d, ScalarType s) {
        TO_NATIVE.put(d, s);
        FROM_NATIVE.put(s, d);
    }

    static {
        pair(DType.FLOAT64, ScalarType.Double);
        pair(DType.FLOAT32, ScalarType.Float);
        pair(DType.FLOAT16, ScalarType.Half);
        pair(DType.BFLOAT16, ScalarType.BFloat16);
        pair(DType.FLOAT8_E4M3FN, ScalarType.Float8_e4m3fn);
        pair(DType.FLOAT8_E5M2, ScalarType.Float8_e5m2);
        pair(DType.FLOAT8_E4M3FNUZ, ScalarType.Float8_e4m3fnuz);
        pair(DType.FLOAT8_E5M2FNUZ, ScalarType.Float8_e5m2fnuz);
        pair(DType.COMPLEX32, ScalarType.ComplexHalf);
        pair(DType.COMPLEX64, ScalarType.ComplexFloat);
        pair(DType.COMPLEX128, ScalarType.ComplexDouble);
        pair(DType.INT8, ScalarType.Char);
        pair(DType.INT16, ScalarType.Short);
        pair(DType.INT32, ScalarType.Int);
        pair(DType.INT64, ScalarType.Long);
        pair(DType.UINT8, ScalarType.Byte);
        pair(DType.UINT16, ScalarType.UInt16);
        pair(DType.UINT32, ScalarType.UInt32);
        pair(DType.UINT64, ScalarType.UInt64);
        pair(DType.BOOL, ScalarType.Bool);
        // Quantized dtypes are left out on purpose: from_blob cannot attach a quantizer.
    }

    /** libtorch's type for a torch4j dtype; IllegalArgumentException for quantized dtypes. */
    static ScalarType toNative(DType d) {
        ScalarType s = TO_NATIVE.get(d);
        if (s == null) {
            throw new IllegalArgumentException("dtype " + d.pythonName() + " cannot be handed to libtorch"
                    + (d.kind() == DType.Kind.QUANTIZED ? " (quantized tensors need a quantizer; dequantize first)" : ""));
        }
        return s;
    }

    /** torch4j's dtype for a libtorch type; LibtorchException for types torch4j has no name for. */
    static DType fromNative(ScalarType s) {
        // JavaCPP returns a fresh enum object carrying the value (ordinal 0): intern() finds the constant.
        DType d = FROM_NATIVE.get(s.intern());
        if (d == null) throw new LibtorchException("libtorch dtype " + s + " has no torch4j equivalent");
        return d;
    }

    /**
     * The unit whose bytes a byte-order swap reverses: the element, except for complex numbers,
     * whose real and imaginary parts are swapped separately.
     */
    static int swapUnit(DType d) {
        return d.kind() == DType.Kind.COMPLEX ? d.itemSize() / 2 : d.itemSize();
    }
}
