package dev.torch4j.pt2;

import dev.torch4j.tensor.DType;

/** The {@code ScalarType} integers of torch/_export/serde/schema.py (c10's numbering) as torch4j dtypes. */
final class ScalarTypes {
    private ScalarTypes() {}

    /** The dtype, or null for UNKNOWN (0) and codes torch4j has no type for. */
    static DType of(long code) {
        return switch ((int) code) {
            case 1 -> DType.UINT8;
            case 2 -> DType.INT8;
            case 3 -> DType.INT16;
            case 4 -> DType.INT32;
            case 5 -> DType.INT64;
            case 6 -> DType.FLOAT16;
            case 7 -> DType.FLOAT32;
            case 8 -> DType.FLOAT64;
            case 9 -> DType.COMPLEX32;
            case 10 -> DType.COMPLEX64;
            case 11 -> DType.COMPLEX128;
            case 12 -> DType.BOOL;
            case 13 -> DType.BFLOAT16;
            case 28 -> DType.UINT16;
            case 29 -> DType.FLOAT8_E4M3FN;
            case 30 -> DType.FLOAT8_E5M2;
            case 31 -> DType.FLOAT8_E4M3FNUZ;
            case 32 -> DType.FLOAT8_E5M2FNUZ;
            default -> null;
        };
    }
}
