package dev.torch4j.elements;

import dev.torch4j.tensor.DType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Converts little-endian element bytes of any dtype into Java values, in bulk. */
public final class ElementDecoder {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private ElementDecoder() {}

    /** Decodes {@code n} elements (2n values for complex) from {@code src} into {@code dst[at..]}. */
    public static void floats(DType d, byte[] src, int n, float[] dst, int at) {
        switch (d) {
            case FLOAT32 -> { for (int i = 0; i < n; i++) dst[at + i] = (float) FLOAT.get(src, 4 * i); }
            case FLOAT64 -> { for (int i = 0; i < n; i++) dst[at + i] = (float) (double) DOUBLE.get(src, 8 * i); }
            case FLOAT16, BFLOAT16, FLOAT8_E4M3FN, FLOAT8_E5M2, FLOAT8_E4M3FNUZ, FLOAT8_E5M2FNUZ -> FastPaths.decode(d, src, 0, dst, at, n);
            case COMPLEX32 -> FastPaths.decode(DType.FLOAT16, src, 0, dst, at, 2 * n);
            case COMPLEX64 -> { for (int i = 0; i < 2 * n; i++) dst[at + i] = (float) FLOAT.get(src, 4 * i); }
            case COMPLEX128 -> { for (int i = 0; i < 2 * n; i++) dst[at + i] = (float) (double) DOUBLE.get(src, 8 * i); }
            case UINT64 -> { for (int i = 0; i < n; i++) dst[at + i] = unsignedToFloat((long) LONG.get(src, 8 * i)); }
            default -> {
                long[] tmp = new long[n];
                longs(d, src, n, tmp, 0);
                for (int i = 0; i < n; i++) dst[at + i] = (float) tmp[i];
            }
        }
    }

    public static void doubles(DType d, byte[] src, int n, double[] dst, int at) {
        switch (d) {
            case FLOAT64 -> { for (int i = 0; i < n; i++) dst[at + i] = (double) DOUBLE.get(src, 8 * i); }
            case COMPLEX128 -> { for (int i = 0; i < 2 * n; i++) dst[at + i] = (double) DOUBLE.get(src, 8 * i); }
            case UINT64 -> { for (int i = 0; i < n; i++) dst[at + i] = unsignedToDouble((long) LONG.get(src, 8 * i)); }
            case FLOAT32, FLOAT16, BFLOAT16, FLOAT8_E4M3FN, FLOAT8_E5M2, FLOAT8_E4M3FNUZ, FLOAT8_E5M2FNUZ,
                    COMPLEX32, COMPLEX64 -> {
                int values = d.kind() == DType.Kind.COMPLEX ? 2 * n : n;
                float[] tmp = new float[values];
                floats(d, src, n, tmp, 0);
                for (int i = 0; i < values; i++) dst[at + i] = tmp[i]; // widening is exact
            }
            default -> {
                long[] tmp = new long[n];
                longs(d, src, n, tmp, 0);
                for (int i = 0; i < n; i++) dst[at + i] = (double) tmp[i];
            }
        }
    }

    /** Integer representation of integral, bool and quantized elements (quint4x2/quint2x4: the packed byte). */
    public static void longs(DType d, byte[] src, int n, long[] dst, int at) {
        switch (d) {
            case INT8, QINT8 -> { for (int i = 0; i < n; i++) dst[at + i] = src[i]; }
            case UINT8, QUINT8, QUINT4X2, QUINT2X4, BOOL -> { for (int i = 0; i < n; i++) dst[at + i] = src[i] & 0xFF; }
            case INT16 -> { for (int i = 0; i < n; i++) dst[at + i] = (short) SHORT.get(src, 2 * i); }
            case UINT16 -> { for (int i = 0; i < n; i++) dst[at + i] = (short) SHORT.get(src, 2 * i) & 0xFFFF; }
            case INT32, QINT32 -> { for (int i = 0; i < n; i++) dst[at + i] = (int) INT.get(src, 4 * i); }
            case UINT32 -> { for (int i = 0; i < n; i++) dst[at + i] = (int) INT.get(src, 4 * i) & 0xFFFFFFFFL; }
            case INT64, UINT64 -> { for (int i = 0; i < n; i++) dst[at + i] = (long) LONG.get(src, 8 * i); }
            default -> throw new IllegalStateException(d.pythonName() + " elements are not integers");
        }
    }

    /** uint64 to float, correctly rounded (halving keeps the sticky bit, so no double rounding). */
    static float unsignedToFloat(long v) {
        if (v >= 0) return (float) v;
        return (float) ((v >>> 1) | (v & 1)) * 2f;
    }

    public static double unsignedToDouble(long v) {
        if (v >= 0) return (double) v;
        return (double) ((v >>> 1) | (v & 1)) * 2d;
    }
}
