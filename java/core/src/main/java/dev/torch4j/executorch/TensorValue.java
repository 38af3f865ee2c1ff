package dev.torch4j.executorch;

import dev.torch4j.tensor.DType;

/**
 * One {@code Tensor} table of a program or a FlatTensor layout: element type, sizes, dim order
 * (the order of dimensions in memory, outermost first) and where its data is said to be.
 */
record TensorValue(int scalarType, long[] sizes, int[] dimOrder, boolean requiresGrad, long dataBufferIndex,
                   boolean planned, String fqn, boolean external, long mutableSegmentIndex) {

    static TensorValue parse(FlatBuffer.Table t) {
        FlatBuffer.Vector s = t.vector(2, 4);
        long[] sizes = new long[s == null ? 0 : s.length()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = s.i32(i);
            if (sizes[i] < 0) throw new FlatBufferException(s.dataPosition() + 4L * i, "negative size " + sizes[i]);
        }
        int[] order = dimOrder(t.vector(3, 1), sizes.length);
        FlatBuffer.Table extra = t.table(9);
        return new TensorValue(t.i8(0, 0), sizes, order, t.bool(4), t.u32(5), t.has(6),
                extra == null ? null : extra.string(1), extra != null && extra.u8(2, 0) == 1,
                extra == null ? -1 : extra.i64(0, 0));
    }

    /** A FlatTensor {@code TensorLayout}: scalar type, sizes, dim order. */
    static TensorValue layout(FlatBuffer.Table t, String key) {
        FlatBuffer.Vector s = t.vector(1, 4);
        long[] sizes = new long[s == null ? 0 : s.length()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = s.i32(i);
            if (sizes[i] < 0) throw new FlatBufferException(s.dataPosition() + 4L * i, "negative size " + sizes[i]);
        }
        return new TensorValue(t.i8(0, 0), sizes, dimOrder(t.vector(2, 1), sizes.length), false, 0, false, key, false, -1);
    }

    private static int[] dimOrder(FlatBuffer.Vector v, int rank) {
        int[] order = new int[rank];
        if (v == null || v.length() == 0) {
            for (int i = 0; i < rank; i++) order[i] = i;
            return order;
        }
        if (v.length() != rank) throw new FlatBufferException(v.dataPosition(), "dim_order of " + v.length() + " for " + rank + " dimensions");
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = v.u8(i);
            if (d >= rank || seen[d]) throw new FlatBufferException(v.dataPosition() + i, "dim_order is not a permutation of 0.." + (rank - 1));
            seen[d] = true;
            order[i] = d;
        }
        return order;
    }

    DType dtype() { return EtScalarType.of(scalarType); }

    /** Element strides for the dim order: the last dimension in memory order moves fastest. */
    long[] strides() {
        long[] stride = new long[sizes.length];
        long step = 1;
        for (int i = dimOrder.length - 1; i >= 0; i--) {
            stride[dimOrder[i]] = step;
            step = Math.multiplyExact(step, Math.max(1, sizes[dimOrder[i]]));
        }
        return stride;
    }

    long byteSize() {
        long n = dtype() == null ? 1 : dtype().itemSize();
        for (long d : sizes) n = Math.multiplyExact(n, d);
        return n;
    }

    /** {@code float32[2, 3]}. */
    String describe() {
        StringBuilder b = new StringBuilder(EtScalarType.name(scalarType)).append('[');
        for (int i = 0; i < sizes.length; i++) b.append(i > 0 ? ", " : "").append(sizes[i]);
        return b.append(']').toString();
    }
}
