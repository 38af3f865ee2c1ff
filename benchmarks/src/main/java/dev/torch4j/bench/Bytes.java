package dev.torch4j.bench;

import dev.torch4j.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/** Touching every byte: a wrapping sum of 64-bit little-endian words (and trailing bytes). */
final class Bytes {
    private Bytes() {}

    static long sum(ByteBuffer b) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = le.remaining();
        int base = le.position();
        int words = n & ~7;
        long s0 = 0, s1 = 0;
        int i = 0;
        // Two accumulators so the adds do not form one dependency chain.
        for (; i + 16 <= words; i += 16) {
            s0 += le.getLong(base + i);
            s1 += le.getLong(base + i + 8);
        }
        for (; i < n; i++) s0 += le.get(base + i);
        return s0 + s1;
    }

    static long sumAll(Map<String, Tensor> tensors) {
        long s = 0;
        for (Tensor t : tensors.values()) s += sum(t.asByteBuffer());
        return s;
    }

    static long totalBytes(Map<String, Tensor> tensors) {
        long n = 0;
        for (Tensor t : tensors.values()) n += t.byteSize();
        return n;
    }
}
