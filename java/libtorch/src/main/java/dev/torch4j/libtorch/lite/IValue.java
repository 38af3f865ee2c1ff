package dev.torch4j.libtorch.lite;

import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TorchScript value, shaped like PyTorch Android's {@code org.pytorch.IValue}: {@code IValue.from(tensor)},
 * {@code toTensor()}, {@code toTuple()}, {@code toList()}...
 *
 * <p>Tensors are torch4j's own {@link Tensor}, not a parallel class: Android's {@code Tensor.fromBlob(data,
 * shape)} is {@link dev.torch4j.tensor.Tensors#of(float[], long...) Tensors.of(data, shape)} (float, double,
 * long, int, boolean arrays; {@code Tensors.ofUint8} for image bytes), {@code getDataAsFloatArray()} is
 * {@link Tensor#toFloatArray()} ({@code toLongArray()}, {@code toIntArray()}...), {@code shape()} and
 * {@code dtype()} are the same. A result tensor is a heap copy that outlives the module.
 *
 * <p>As arguments this runtime takes tensors, booleans, longs, doubles, strings and null
 * ({@link #optionalNull()}); tuples, lists and dicts come back as results ({@link #toTuple()},
 * {@link #toList()}, {@link #toTensorList()}, {@link #toLongList()}, {@link #toDictStringKey()}...) but are
 * not accepted as arguments. Values hold torch4j's object tree ({@link #value()}): {@link Tensor},
 * {@link PyTuple}, {@link List}, {@link Map}, {@link Long}, {@link Double}, {@link Boolean}, {@link String}
 * or null.
 */
public final class IValue {
    private static final IValue NULL = new IValue(null);

    private final Object value;

    private IValue(Object value) {
        this.value = value;
    }

    /** Wraps a result from {@link dev.torch4j.libtorch.ScriptModel#run}. */
    static IValue of(Object value) {
        return value == null ? NULL : new IValue(value);
    }

    public static IValue from(Tensor tensor) {
        if (tensor == null) throw new NullPointerException("tensor; use IValue.optionalNull() for None");
        return new IValue(tensor);
    }

    public static IValue from(boolean value) {
        return new IValue(value);
    }

    public static IValue from(long value) {
        return new IValue(value);
    }

    public static IValue from(double value) {
        return new IValue(value);
    }

    public static IValue from(String value) {
        if (value == null) throw new NullPointerException("string; use IValue.optionalNull() for None");
        return new IValue(value);
    }

    /** TorchScript's None, for an {@code Optional} argument. */
    public static IValue optionalNull() {
        return NULL;
    }

    /** The torch4j object this value holds (see the class comment); null for None. */
    public Object value() {
        return value;
    }

    public boolean isNull() { return value == null; }
    public boolean isTensor() { return value instanceof Tensor; }
    public boolean isBool() { return value instanceof Boolean; }
    public boolean isLong() { return value instanceof Long; }
    public boolean isDouble() { return value instanceof Double; }
    public boolean isString() { return value instanceof String; }
    public boolean isTuple() { return value instanceof PyTuple; }
    /** A list of any element type (TorchScript {@code List[T]}), tensors included. */
    public boolean isList() { return value instanceof List<?> && !(value instanceof PyTuple); }
    public boolean isDict() { return value instanceof Map<?, ?>; }

    public Tensor toTensor() { return as(Tensor.class, "a tensor"); }
    public boolean toBool() { return as(Boolean.class, "a bool"); }
    public long toLong() { return as(Long.class, "an int"); }
    public double toDouble() { return as(Double.class, "a float"); }
    public String toStr() { return as(String.class, "a str"); }

    /** A tuple's items. */
    public IValue[] toTuple() {
        return wrap(as(PyTuple.class, "a tuple"));
    }

    /** A list's items, whatever their type. */
    public IValue[] toList() {
        if (!isList()) throw wrongKind("a list");
        return wrap((List<?>) value);
    }

    public Tensor[] toTensorList() {
        IValue[] items = toList();
        Tensor[] out = new Tensor[items.length];
        for (int i = 0; i < out.length; i++) out[i] = items[i].toTensor();
        return out;
    }

    public long[] toLongList() {
        IValue[] items = toList();
        long[] out = new long[items.length];
        for (int i = 0; i < out.length; i++) out[i] = items[i].toLong();
        return out;
    }

    public double[] toDoubleList() {
        IValue[] items = toList();
        double[] out = new double[items.length];
        for (int i = 0; i < out.length; i++) out[i] = items[i].toDouble();
        return out;
    }

    public boolean[] toBoolList() {
        IValue[] items = toList();
        boolean[] out = new boolean[items.length];
        for (int i = 0; i < out.length; i++) out[i] = items[i].toBool();
        return out;
    }

    /** A {@code Dict[str, V]}, in the dict's order. */
    public Map<String, IValue> toDictStringKey() {
        return dict(String.class, "a dict with str keys");
    }

    /** A {@code Dict[int, V]}, in the dict's order. */
    public Map<Long, IValue> toDictLongKey() {
        return dict(Long.class, "a dict with int keys");
    }

    private <K> Map<K, IValue> dict(Class<K> keyType, String kind) {
        if (!isDict()) throw wrongKind(kind);
        Map<K, IValue> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            if (!keyType.isInstance(e.getKey())) throw wrongKind(kind);
            out.put(keyType.cast(e.getKey()), of(e.getValue()));
        }
        return out;
    }

    /** This value as an argument of {@link dev.torch4j.libtorch.ScriptModel#run}. */
    Object argument(int index) {
        if (value instanceof List<?> || value instanceof Map<?, ?>) {
            throw new IllegalArgumentException("argument " + index + " is " + kind()
                    + ": this runtime takes tensors, bools, ints, floats, strings and None as arguments");
        }
        return value;
    }

    private static IValue[] wrap(List<?> items) {
        IValue[] out = new IValue[items.size()];
        for (int i = 0; i < out.length; i++) out[i] = of(items.get(i));
        return out;
    }

    private <T> T as(Class<T> type, String kind) {
        if (!type.isInstance(value)) throw wrongKind(kind);
        return type.cast(value);
    }

    private IllegalStateException wrongKind(String expected) {
        return new IllegalStateException("this IValue is " + kind() + ", not " + expected);
    }

    private String kind() {
        if (value == null) return "None";
        if (value instanceof Tensor) return "a tensor";
        if (value instanceof PyTuple) return "a tuple";
        if (value instanceof List<?>) return "a list";
        if (value instanceof Map<?, ?>) return "a dict";
        if (value instanceof Boolean) return "a bool";
        if (value instanceof Long) return "an int";
        if (value instanceof Double) return "a float";
        if (value instanceof String) return "a str";
        return value.getClass().getSimpleName();
    }

    @Override public String toString() {
        return "IValue[" + kind() + "]";
    }
}
