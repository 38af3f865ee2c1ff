package dev.torch4j.spark;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The two row shapes the {@code torch4j} source gives, and each column's position in a full row. */
final class Columns {
    private Columns() {}

    // mode=tensors: one row per tensor
    static final int T_FILE = 0, T_FORMAT = 1, T_PATH = 2, T_DTYPE = 3, T_SHAPE = 4, T_NUMEL = 5, T_BYTES = 6,
            T_SHA256 = 7, T_ERROR = 8;
    static final StructType TENSORS = new StructType(new StructField[]{
            field("file", DataTypes.StringType, false),
            field("format", DataTypes.StringType, true),
            field("path", DataTypes.StringType, true),
            field("dtype", DataTypes.StringType, true),
            field("shape", new ArrayType(DataTypes.LongType, false), true),
            field("numel", DataTypes.LongType, true),
            field("bytes", DataTypes.LongType, true),
            field("sha256", DataTypes.StringType, true),
            field("error", DataTypes.StringType, true)});

    // mode=files: one row per file
    static final int F_FILE = 0, F_FORMAT = 1, F_SIZE = 2, F_TENSORS = 3, F_PARAMETERS = 4, F_VERDICT = 5,
            F_GLOBALS = 6, F_FINDINGS = 7, F_ERROR = 8;
    static final StructType FINDING = new StructType(new StructField[]{
            field("entry", DataTypes.StringType, true),
            field("offset", DataTypes.LongType, false),
            field("global", DataTypes.StringType, false)});
    static final StructType FILES = new StructType(new StructField[]{
            field("file", DataTypes.StringType, false),
            field("format", DataTypes.StringType, true),
            field("size", DataTypes.LongType, true),
            field("tensors", DataTypes.LongType, true),
            field("parameters", DataTypes.LongType, true),
            field("verdict", DataTypes.StringType, true),
            field("globals", new ArrayType(DataTypes.StringType, false), true),
            field("findings", new ArrayType(FINDING, false), true),
            field("error", DataTypes.StringType, true)});

    static StructType of(ReadOptions.Mode mode) {
        return mode == ReadOptions.Mode.FILES ? FILES : TENSORS;
    }

    private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
        return new StructField(name, type, nullable, Metadata.empty());
    }
}
