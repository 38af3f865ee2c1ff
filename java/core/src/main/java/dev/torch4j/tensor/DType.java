package dev.torch4j.tensor;

import java.util.HashMap;
import java.util.Map;

/** PyTorch's element types, named as PyTorch names them (without {@code torch.}). */
public enum DType {
    FLOAT64("float64", 8, Kind.FLOAT, "DoubleStorage"),
    FLOAT32("float32", 4, Kind.FLOAT, "FloatStorage"),
    FLOAT16("float16", 2, Kind.FLOAT, "HalfStorage"),
    BFLOAT16("bfloat16", 2, Kind.FLOAT, "BFloat16Storage"),
    FLOAT8_E4M3FN("float8_e4m3fn", 1, Kind.FLOAT, null),
    FLOAT8_E5M2("float8_e5m2", 1, Kind.FLOAT, null),
    FLOAT8_E4M3FNUZ("float8_e4m3fnuz", 1, Kind.FLOAT, null),
    FLOAT8_E5M2FNUZ("float8_e5m2fnuz", 1, Kind.FLOAT, null),
    COMPLEX32("complex32", 4, Kind.COMPLEX, "ComplexHalfStorage"),
    COMPLEX64("complex64", 8, Kind.COMPLEX, "ComplexFloatStorage"),
    COMPLEX128("complex128", 16, Kind.COMPLEX, "ComplexDoubleStorage"),
    INT8("int8", 1, Kind.INT, "CharStorage"),
    INT16("int16", 2, Kind.INT, "ShortStorage"),
    INT32("int32", 4, Kind.INT, "IntStorage"),
    INT64("int64", 8, Kind.INT, "LongStorage"),
    UINT8("uint8", 1, Kind.UINT, "ByteStorage"),
    UINT16("uint16", 2, Kind.UINT, null),
    UINT32("uint32", 4, Kind.UINT, null),
    UINT64("uint64", 8, Kind.UINT, null),
    BOOL("bool", 1, Kind.BOOL, "BoolStorage"),
    QINT8("qint8", 1, Kind.QUANTIZED, "QInt8Storage"),
    QUINT8("quint8", 1, Kind.QUANTIZED, "QUInt8Storage"),
    QINT32("qint32", 4, Kind.QUANTIZED, "QInt32Storage"),
    QUINT4X2("quint4x2", 1, Kind.QUANTIZED, "QUInt4x2Storage"),
    QUINT2X4("quint2x4", 1, Kind.QUANTIZED, "QUInt2x4Storage");

    public enum Kind { FLOAT, COMPLEX, INT, UINT, BOOL, QUANTIZED }

    private final String pythonName;
    private final int itemSize;
    private final Kind kind;
    private final String legacyStorageClass;

    DType(String pythonName, int itemSize, Kind kind, String legacyStorageClass) {
        this.pythonName = pythonName;
        this.itemSize = itemSize;
        this.kind = kind;
        this.legacyStorageClass = legacyStorageClass;
    }

    /** PyTorch's name, e.g. {@code float32}. */
    public String pythonName() { return pythonName; }

    /** Bytes per element. */
    public int itemSize() { return itemSize; }

    public Kind kind() { return kind; }

    public boolean isFloatingPoint() { return kind == Kind.FLOAT; }

    /** The typed-storage class in {@code torch} ({@code FloatStorage}), or null for dtypes newer than typed storages. */
    public String legacyStorageClass() { return legacyStorageClass; }

    private static final Map<String, DType> BY_NAME = new HashMap<>();
    private static final Map<String, DType> BY_STORAGE = new HashMap<>();
    static {
        for (DType d : values()) {
            BY_NAME.put(d.pythonName, d);
            if (d.legacyStorageClass != null) BY_STORAGE.put(d.legacyStorageClass, d);
        }
        // PyTorch's aliases (torch.float is float32, torch.half, torch.long, torch.cfloat ...).
        BY_NAME.put("float", FLOAT32);
        BY_NAME.put("double", FLOAT64);
        BY_NAME.put("half", FLOAT16);
        BY_NAME.put("int", INT32);
        BY_NAME.put("long", INT64);
        BY_NAME.put("short", INT16);
        BY_NAME.put("cfloat", COMPLEX64);
        BY_NAME.put("cdouble", COMPLEX128);
        BY_NAME.put("chalf", COMPLEX32);
    }

    /** By PyTorch name or alias ({@code float32}, {@code float}, {@code half}); null when unknown. */
    public static DType fromPythonName(String name) {
        return BY_NAME.get(name);
    }

    /** By typed-storage class name ({@code FloatStorage}); null when unknown. */
    public static DType fromStorageClass(String className) {
        return BY_STORAGE.get(className);
    }
}
