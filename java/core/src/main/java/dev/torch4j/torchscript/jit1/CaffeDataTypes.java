package dev.torch4j.torchscript.jit1;

import dev.torch4j.tensor.DType;

/**
 * caffe2's {@code TensorProto.DataType}, the element type of a legacy TorchScript TensorDef, by
 * name or number as PyTorch 1.13's descriptor declares it (UNDEFINED 0, FLOAT 1, INT32 2, BYTE 3,
 * STRING 4, BOOL 5, UINT8 6, INT8 7, UINT16 8, INT16 9, INT64 10, FLOAT16 12, DOUBLE 13).
 */
final class CaffeDataTypes {
    private static final String[] NAMES = {
            "UNDEFINED", "FLOAT", "INT32", "BYTE", "STRING", "BOOL", "UINT8", "INT8", "UINT16", "INT16", "INT64",
            null, "FLOAT16", "DOUBLE", "ZERO_COLLISION_HASH", "REBATCHING_BUFFER"};

    private CaffeDataTypes() {}

    /** The enum name for a name or number as written in JSON, or null when it names no value. */
    static String name(Object value) {
        if (value instanceof String s) {
            for (String n : NAMES) {
                if (s.equals(n)) return n;
            }
            return null;
        }
        if (value instanceof Long l && l >= 0 && l < NAMES.length) return NAMES[(int) (long) l];
        return null;
    }

    /**
     * The tensor dtype for an enum name, or null for types no PyTorch tensor has (UNDEFINED,
     * STRING, UINT16 in PyTorch 1.x...). Quantized tensors take the quantized type of the same width,
     * as {@code toQIntType} does.
     */
    static DType dtype(String name, boolean quantized) {
        if (quantized) {
            return switch (name) {
                case "BYTE", "UINT8" -> DType.QUINT8;
                case "INT8" -> DType.QINT8;
                case "INT32" -> DType.QINT32;
                default -> null;
            };
        }
        return switch (name) {
            case "FLOAT" -> DType.FLOAT32;
            case "DOUBLE" -> DType.FLOAT64;
            case "FLOAT16" -> DType.FLOAT16;
            case "INT64" -> DType.INT64;
            case "INT32" -> DType.INT32;
            case "INT16" -> DType.INT16;
            case "INT8" -> DType.INT8;
            case "BYTE", "UINT8" -> DType.UINT8;
            case "BOOL" -> DType.BOOL;
            default -> null;
        };
    }
}
