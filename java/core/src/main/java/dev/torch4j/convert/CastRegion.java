package dev.torch4j.convert;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.elements.BFloat16;
import dev.torch4j.tensor.DType;
import dev.torch4j.elements.FastPaths;
import dev.torch4j.elements.Float16;
import dev.torch4j.elements.Float8;
import dev.torch4j.elements.ElementRegion;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A storage's elements converted to another floating dtype on demand, little-endian. Narrowing
 * rounds to nearest even as PyTorch does; float64 sources go through float32 first, which is what
 * PyTorch's {@code .to(torch.float16)} computes (c10::Half is built from a float).
 */
final class CastRegion extends ElementRegion {
    private final ByteRegion source;
    private final ByteOrder order;
    private final DType from;
    private final DType to;

    CastRegion(ByteRegion source, ByteOrder order, DType from, DType to, long elements) {
        super(elements, to.itemSize());
        this.source = source;
        this.order = order;
        this.from = from;
        this.to = to;
    }

    @Override protected void readElements(long first, int count, byte[] dst, int off) {
        int in = from.itemSize();
        byte[] raw = new byte[count * in];
        source.copyTo(first * in, raw, 0, raw.length);
        if (from == DType.FLOAT32 && (to == DType.FLOAT16 || to == DType.BFLOAT16)) {
            // The writer's common cast, in bulk (natively where that is faster); same bits as below.
            if (order == ByteOrder.BIG_ENDIAN) FastPaths.swapBytes(raw, 0, raw.length, 4);
            FastPaths.encode(to, raw, 0, dst, off, count);
            return;
        }
        ByteBuffer src = ByteBuffer.wrap(raw).order(order);
        ByteBuffer out = ByteBuffer.wrap(dst, off, count * to.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            if (from == DType.FLOAT64 && to == DType.FLOAT64) {
                out.putDouble(src.getDouble(i * 8));
                continue;
            }
            float v = switch (from) {
                case FLOAT64 -> (float) src.getDouble(i * 8);
                case FLOAT32 -> src.getFloat(i * 4);
                case FLOAT16 -> Float16.halfToFloat(src.getShort(i * 2));
                case BFLOAT16 -> BFloat16.bfloat16ToFloat(src.getShort(i * 2));
                default -> Float8.toFloat(from, raw[i]);
            };
            switch (to) {
                case FLOAT64 -> out.putDouble(v);
                case FLOAT32 -> out.putFloat(v);
                case FLOAT16 -> out.putShort(Float16.floatToHalf(v));
                case BFLOAT16 -> out.putShort(BFloat16.floatToBFloat16(v));
                default -> throw new IllegalArgumentException("cannot cast to " + to.pythonName());
            }
        }
    }
}
