package dev.torch4j.libtorch;

import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.pytorch.GenericDict;
import org.bytedeco.pytorch.GenericDictEntryRef;
import org.bytedeco.pytorch.GenericDictIterator;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.TensorList;
import org.bytedeco.pytorch.TupleElements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts TorchScript values to and from the object trees torch4j uses everywhere. */
final class IValues {
    private IValues() {}

    /** Values deeper than this are refused rather than risking a StackOverflowError. */
    private static final int MAX_DEPTH = 100;

    /**
     * A method argument: a torch4j Tensor (borrowed or copied through {@code arena}), a Java number,
     * Boolean, String or null (None).
     */
    static IValue toIValue(Object arg, TensorArena arena, boolean borrow) {
        if (arg instanceof Tensor t) return new IValue(borrow ? arena.borrow(t) : arena.copy(t));
        if (arg instanceof org.bytedeco.pytorch.Tensor n) return new IValue(n);
        if (arg == null) return new IValue();
        if (arg instanceof Boolean b) return new IValue(b.booleanValue());
        if (arg instanceof Double || arg instanceof Float) return new IValue(((Number) arg).doubleValue());
        if (arg instanceof Long || arg instanceof Integer || arg instanceof Short || arg instanceof Byte) {
            return new IValue(((Number) arg).longValue());
        }
        if (arg instanceof String s) return new IValue(s);
        throw new IllegalArgumentException("unsupported TorchScript argument type " + arg.getClass().getName()
                + " (tensors, numbers, booleans, strings and null are)");
    }

    /**
     * A method result as torch4j objects: Tensor (a heap copy), PyTuple, List, Map (insertion order),
     * Long, Double, Boolean, String, null.
     */
    static Object fromIValue(IValue v) {
        return fromIValue(v, 0);
    }

    private static Object fromIValue(IValue v, int depth) {
        if (depth > MAX_DEPTH) throw new LibtorchException("TorchScript result nested deeper than " + MAX_DEPTH);
        if (v.isNone()) return null;
        if (v.isTensor()) return NativeTensors.toTorch4j(v.toTensor());
        if (v.isBool()) return v.toBool();
        if (v.isInt()) return v.toInt();
        if (v.isDouble()) return v.toDouble();
        if (v.isString()) return v.toStringRef().getString();
        if (v.isTuple()) {
            TupleElements e = v.toTupleRef().elements();
            Object[] items = new Object[(int) e.size()];
            for (int i = 0; i < items.length; i++) items[i] = fromIValue(e.get(i), depth + 1);
            return PyTuple.of(items);
        }
        if (v.isTensorList()) {
            TensorList l = v.toTensorList();
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < l.size(); i++) out.add(NativeTensors.toTorch4j(l.get(i)));
            return out;
        }
        if (v.isList()) {
            GenericList l = v.toList();
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < l.size(); i++) out.add(fromIValue(l.get(i), depth + 1));
            return out;
        }
        if (v.isGenericDict()) {
            GenericDict d = v.toGenericDict();
            Map<Object, Object> out = new LinkedHashMap<>();
            for (GenericDictIterator it = d.begin(); it.notEquals(d.end()); it.increment()) {
                GenericDictEntryRef e = it.access();
                out.put(fromIValue(e.key(), depth + 1), fromIValue(e.value(), depth + 1));
            }
            return out;
        }
        throw new LibtorchException("unsupported TorchScript result of kind " + v.tagKind().getString());
    }
}
