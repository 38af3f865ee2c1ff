package dev.torch4j.elements;

import dev.torch4j.tensor.DType;
import dev.torch4j.spi.ElementConversions;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The pure-Java {@link ElementConversions}: the reference every native provider must match bit for bit. */
public final class JavaElementConversions implements ElementConversions {
    public static final JavaElementConversions INSTANCE = new JavaElementConversions();

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    /** Elements staged per step when a buffer exposes no array. */
    private static final int STAGE = 1 << 14;

    @Override public String name() {
        return "java";
    }

    @Override public boolean available() {
        return true;
    }

    @Override public boolean decodes(DType d) {
        return switch (d) {
            case FLOAT16, BFLOAT16, FLOAT8_E4M3FN, FLOAT8_E5M2, FLOAT8_E4M3FNUZ, FLOAT8_E5M2FNUZ -> true;
            default -> false;
        };
    }

    @Override public void decode(DType d, byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        switch (d) {
            case FLOAT16 -> Float16.decodeLittleEndian(src, srcOff, dst, dstOff, n);
            case BFLOAT16 -> BFloat16.decodeLittleEndian(src, srcOff, dst, dstOff, n);
            case FLOAT8_E4M3FN, FLOAT8_E5M2, FLOAT8_E4M3FNUZ, FLOAT8_E5M2FNUZ -> Float8.toFloat(d, src, srcOff, dst, dstOff, n);
            default -> throw new IllegalArgumentException("cannot decode " + d.pythonName() + " here");
        }
    }

    @Override public void decode(DType d, ByteBuffer src, float[] dst, int dstOff, int n) {
        int item = d.itemSize();
        if (src.hasArray()) {
            decode(d, src.array(), src.arrayOffset() + src.position(), dst, dstOff, n);
            return;
        }
        byte[] stage = new byte[Math.min(n, STAGE) * item];
        for (int done = 0; done < n; ) {
            int k = Math.min(STAGE, n - done);
            src.get(src.position() + done * item, stage, 0, k * item);
            decode(d, stage, 0, dst, dstOff + done, k);
            done += k;
        }
    }

    @Override public void encode(DType target, byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        switch (target) {
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    SHORT.set(dst, dstOff + 2 * i, Float16.floatToHalf((float) FLOAT.get(src, srcOff + 4 * i)));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    SHORT.set(dst, dstOff + 2 * i, BFloat16.floatToBFloat16((float) FLOAT.get(src, srcOff + 4 * i)));
                }
            }
            default -> throw new IllegalArgumentException("cannot encode float32 as " + target.pythonName() + " here");
        }
    }

    @Override public void swapBytes(byte[] b, int off, int n, int elementSize) {
        switch (elementSize) {
            case 2 -> { for (int i = 0, p = off; i < n; i++, p += 2) SHORT.set(b, p, Short.reverseBytes((short) SHORT.get(b, p))); }
            case 4 -> { for (int i = 0, p = off; i < n; i++, p += 4) INT.set(b, p, Integer.reverseBytes((int) INT.get(b, p))); }
            case 8 -> { for (int i = 0, p = off; i < n; i++, p += 8) LONG.set(b, p, Long.reverseBytes((long) LONG.get(b, p))); }
            default -> throw new IllegalArgumentException("element size must be 2, 4 or 8, not " + elementSize);
        }
    }
}
