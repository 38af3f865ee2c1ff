package dev.torch4j.numpy;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.tensor.DType;

import java.nio.ByteOrder;

/** A numpy type string ({@code <f4}, {@code |b1}, {@code >i8}) as a torch4j dtype and byte order. */
record DescrType(DType dtype, ByteOrder order) {

    static DescrType parse(String descr, String file, long offset) throws TorchFileException {
        if (descr.length() < 3) throw unsupported(descr, file, offset);
        char o = descr.charAt(0);
        DType dtype = NumpyDType.dtypeOf(descr.substring(1));
        if (dtype == null) throw unsupported(descr, file, offset);
        ByteOrder order = switch (o) {
            case '<' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            // '|': byte order does not apply; numpy only writes it for one-byte types.
            case '|' -> {
                if (dtype.itemSize() != 1) throw new TorchFileException(file, null, offset, "descr '" + descr + "' lacks a byte order");
                yield ByteOrder.LITTLE_ENDIAN;
            }
            default -> throw unsupported(descr, file, offset);
        };
        return new DescrType(dtype, order);
    }

    /** The type string numpy writes for a little-endian array of {@code dtype}. */
    static String descr(DType dtype) {
        return switch (dtype) {
            case FLOAT16 -> "<f2";
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT8 -> "|i1";
            case INT16 -> "<i2";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case UINT8 -> "|u1";
            case UINT16 -> "<u2";
            case UINT32 -> "<u4";
            case UINT64 -> "<u8";
            case BOOL -> "|b1";
            default -> throw new IllegalArgumentException(dtype.pythonName() + " has no .npy type (bfloat16, float8, complex32 "
                    + "and quantized tensors cannot be written; cast first)");
        };
    }

    private static TorchFileException unsupported(String descr, String file, long offset) {
        return new TorchFileException(ErrorKind.UNSUPPORTED, file, null, offset, "unsupported numpy dtype '" + descr
                + "' (f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 c8 c16, strings S and U, and object arrays are read)");
    }
}
