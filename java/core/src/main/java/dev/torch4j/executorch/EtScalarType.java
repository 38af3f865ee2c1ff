package dev.torch4j.executorch;

import dev.torch4j.tensor.DType;

/** ExecuTorch's {@code ScalarType} (schema/scalar_type.fbs) as torch4j dtypes. */
final class EtScalarType {
    private EtScalarType() {}

    /** The dtype, or null for codes torch4j has no type for (BITS16, unknown values). */
    static DType of(int code) {
        return switch (code) {
            case 0 -> DType.UINT8;
            case 1 -> DType.INT8;
            case 2 -> DType.INT16;
            case 3 -> DType.INT32;
            case 4 -> DType.INT64;
            case 5 -> DType.FLOAT16;
            case 6 -> DType.FLOAT32;
            case 7 -> DType.FLOAT64;
            case 8 -> DType.COMPLEX32;
            case 9 -> DType.COMPLEX64;
            case 10 -> DType.COMPLEX128;
            case 11 -> DType.BOOL;
            case 12 -> DType.QINT8;
            case 13 -> DType.QUINT8;
            case 14 -> DType.QINT32;
            case 15 -> DType.BFLOAT16;
            case 16 -> DType.QUINT4X2;
            case 17 -> DType.QUINT2X4;
            case 23 -> DType.FLOAT8_E5M2;
            case 24 -> DType.FLOAT8_E4M3FN;
            case 25 -> DType.FLOAT8_E5M2FNUZ;
            case 26 -> DType.FLOAT8_E4M3FNUZ;
            case 27 -> DType.UINT16;
            case 28 -> DType.UINT32;
            case 29 -> DType.UINT64;
            default -> null;
        };
    }

    /** The schema's name for a code, for messages and metadata. */
    static String name(int code) {
        DType d = of(code);
        return d != null ? d.pythonName() : code == 22 ? "bits16" : "scalar_type_" + code;
    }
}
