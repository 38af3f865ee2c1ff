package dev.torch4j.numpy;

import dev.torch4j.python.PyStateful;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;

import java.nio.ByteOrder;

/**
 * A {@code numpy.dtype} as pickled: {@code dtype('f4', False, True)} then BUILD with a state tuple
 * such as {@code (3, '<', None, None, None, -1, -1, 0)} whose second item is the byte order.
 */
public final class NumpyDType implements PyStateful {
    private final String descr;
    private char byteOrder = '=';
    private Object state;

    public NumpyDType(String descr) {
        this.descr = descr;
    }

    /** numpy's type string without byte order: {@code f4}, {@code i8}, {@code b1}, {@code O8}, {@code U5}... */
    public String descr() { return descr; }

    /** {@code <}, {@code >}, {@code |} (not applicable) or {@code =} (native, also when no state was given). */
    public char byteOrderChar() { return byteOrder; }

    /** The raw BUILD state (structured dtypes keep their field layout there). */
    public Object state() { return state; }

    public ByteOrder byteOrder() {
        return byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** True for Python-object arrays, whose data is a list of values rather than bytes. */
    public boolean isObject() { return descr.startsWith("O"); }

    /** The torch element type, or null when numpy's type has none (strings, objects, records, datetimes). */
    public DType toDType() {
        return dtypeOf(descr);
    }

    /**
     * The torch element type of a numpy type code without its byte order ({@code f4}, {@code u1},
     * {@code c16}...), or null when torch has none. The one table for pickled dtypes and .npy headers.
     */
    static DType dtypeOf(String code) {
        return switch (code) {
            case "b1" -> DType.BOOL;
            case "i1" -> DType.INT8;
            case "i2" -> DType.INT16;
            case "i4" -> DType.INT32;
            case "i8" -> DType.INT64;
            case "u1" -> DType.UINT8;
            case "u2" -> DType.UINT16;
            case "u4" -> DType.UINT32;
            case "u8" -> DType.UINT64;
            case "f2" -> DType.FLOAT16;
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "c8" -> DType.COMPLEX64;
            case "c16" -> DType.COMPLEX128;
            default -> null;
        };
    }

    @Override public void setState(Object state) {
        this.state = state;
        if (!(state instanceof PyTuple t) || t.isEmpty()) throw new IllegalArgumentException("dtype state must be a tuple");
        // Version 1+ states start with the version number; very old ones start with the byte order.
        Object order = t.get(0) instanceof String ? t.get(0) : t.size() > 1 ? t.get(1) : null;
        if (!(order instanceof String s) || s.length() != 1 || "<>|=".indexOf(s.charAt(0)) < 0) {
            throw new IllegalArgumentException("dtype byte order must be one of < > | =, got " + order);
        }
        byteOrder = s.charAt(0);
    }

    @Override public String toString() {
        return "dtype('" + (byteOrder == '=' ? "" : String.valueOf(byteOrder)) + descr + "')";
    }
}
