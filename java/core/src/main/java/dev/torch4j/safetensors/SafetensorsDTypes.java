package dev.torch4j.safetensors;

import dev.torch4j.tensor.DType;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The safetensors dtype names and the PyTorch dtypes they store. */
public final class SafetensorsDTypes {
    private static final Map<String, DType> BY_NAME = new LinkedHashMap<>();
    private static final Map<DType, String> BY_DTYPE = new EnumMap<>(DType.class);

    static {
        put("F64", DType.FLOAT64);
        put("F32", DType.FLOAT32);
        put("F16", DType.FLOAT16);
        put("BF16", DType.BFLOAT16);
        put("F8_E4M3", DType.FLOAT8_E4M3FN);
        put("F8_E5M2", DType.FLOAT8_E5M2);
        put("C64", DType.COMPLEX64);
        put("I64", DType.INT64);
        put("I32", DType.INT32);
        put("I16", DType.INT16);
        put("I8", DType.INT8);
        put("U64", DType.UINT64);
        put("U32", DType.UINT32);
        put("U16", DType.UINT16);
        put("U8", DType.UINT8);
        put("BOOL", DType.BOOL);
    }

    private SafetensorsDTypes() {}

    private static void put(String name, DType dtype) {
        BY_NAME.put(name, dtype);
        BY_DTYPE.put(dtype, name);
    }

    /** The dtype for a header name ({@code F32}); null when safetensors has no such dtype. */
    public static DType fromName(String name) { return BY_NAME.get(name); }

    /** The header name for a dtype; null when safetensors cannot store it (complex128, quantized...). */
    public static String nameOf(DType dtype) { return BY_DTYPE.get(dtype); }
}
