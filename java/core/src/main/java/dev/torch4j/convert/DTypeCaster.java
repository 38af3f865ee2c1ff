package dev.torch4j.convert;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Casts floating-point tensors to one dtype, storage by storage: every view keeps its shape,
 * strides and offset over the converted storage, so tensors that shared memory still share it.
 * Integer, bool, complex and quantized tensors pass through unchanged. Conversion is lazy: the
 * writer pulls converted bytes chunk by chunk.
 */
public final class DTypeCaster {
    private final DType target;
    private final IdentityHashMap<Storage, Storage> converted = new IdentityHashMap<>();
    private final IdentityHashMap<Tensor, Tensor> done = new IdentityHashMap<>();

    public DTypeCaster(DType target) {
        if (target != DType.FLOAT16 && target != DType.BFLOAT16 && target != DType.FLOAT32 && target != DType.FLOAT64) {
            throw new IllegalArgumentException("can only cast to float16, bfloat16, float32 or float64, not " + target.pythonName());
        }
        this.target = target;
    }

    public static boolean casts(DType d) {
        return d.isFloatingPoint();
    }

    public Tensor cast(Tensor t) {
        Tensor known = done.get(t);
        if (known != null) return known;
        Tensor result = t;
        if (casts(t.dtype()) && t.quantization() == null && t.dtype() != target) {
            Storage source = t.storage();
            Storage s = converted.get(source);
            if (s == null || s.dtype() != target) {
                long elements = source.byteSize() / t.dtype().itemSize();
                DType from = t.dtype();
                s = new Storage(source.key(), "cpu", target, elements * target.itemSize(), ByteOrder.LITTLE_ENDIAN,
                        () -> new CastRegion(source.data(), source.order(), from, target, elements));
                converted.put(source, s);
            }
            result = new Tensor(target, t.shape(), t.stride(), t.storageOffset(), s, t.requiresGrad(), t.isParameter(), null);
        }
        done.put(t, result);
        return result;
    }

    /** Casts every tensor in a tree of maps, lists and tuples (other values unchanged). */
    public Object castTree(Object node) {
        if (node instanceof Tensor t) return cast(t);
        if (node instanceof dev.torch4j.python.PyDict d) {
            dev.torch4j.python.PyDict copy = new dev.torch4j.python.PyDict(d.type());
            for (Map.Entry<Object, Object> e : d.entrySet()) copy.put(e.getKey(), castTree(e.getValue()));
            copy.attributes().putAll(d.attributes());
            return copy;
        }
        if (node instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) copy.put(e.getKey(), castTree(e.getValue()));
            return copy;
        }
        if (node instanceof dev.torch4j.python.PyTuple tuple) {
            Object[] items = new Object[tuple.size()];
            for (int i = 0; i < items.length; i++) items[i] = castTree(tuple.get(i));
            return dev.torch4j.python.PyTuple.of(items);
        }
        if (node instanceof java.util.List<?> list) {
            java.util.List<Object> copy = new java.util.ArrayList<>(list.size());
            for (Object o : list) copy.add(castTree(o));
            return copy;
        }
        return node;
    }
}
