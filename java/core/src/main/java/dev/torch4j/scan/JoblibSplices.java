package dev.torch4j.scan;

import dev.torch4j.numpy.JoblibLayout;
import dev.torch4j.pickle.PickleFlow;
import dev.torch4j.pickle.PickleFlow.Dict;
import dev.torch4j.pickle.PickleFlow.Global;
import dev.torch4j.pickle.PickleFlow.Int;
import dev.torch4j.pickle.PickleFlow.Sym;
import dev.torch4j.pickle.PickleFlow.Tuple;

import java.util.HashMap;
import java.util.Map;

/**
 * joblib's arrays as the scanner follows them: {@code joblib.load} reads each array's bytes right
 * after BUILD of a {@code NumpyArrayWrapper}, so the walk must skip exactly those bytes (a padding
 * byte and padding when the wrapper records {@code numpy_array_alignment_bytes}, then shape product
 * times item size, as {@link JoblibLayout} counts them for the reader) or walk the nested pickle of
 * an object array. The layout comes from values the walk tracks: the wrapper's state dict, its
 * shape tuple and the {@code numpy.dtype} call and state. When any of it is not known exactly the
 * file is unreadable: guessing a length could hide opcodes that joblib runs.
 */
final class JoblibSplices {
    private JoblibSplices() {}

    /** {@code numpy.dtype(descr, align, copy)}, then the state its BUILD gives. */
    static final class DType implements Sym {
        final String descr;
        Sym state;

        DType(String descr) { this.descr = descr; }
    }

    /** An instance of joblib's NumpyArrayWrapper: the attributes every BUILD on it has set. */
    static final class Wrapper implements Sym {
        final String type;
        final Map<String, Sym> attributes = new HashMap<>();
        /** A BUILD whose state was not a fully tracked dict. */
        String unresolved;

        Wrapper(String type) { this.type = type; }

        void build(Sym state) {
            if (state instanceof Dict d && d.complete()) attributes.putAll(d.items());
            else if (unresolved == null) unresolved = "its BUILD state is not a dict of known keys";
        }
    }

    /** What the bytes after BUILD hold: shape and item size, whether an object pickle, whether padded. */
    record Layout(long dataBytes, boolean objects, boolean aligned) {}

    /** Thrown when the layout is not known exactly. */
    static final class Unresolved extends Exception {
        @java.io.Serial private static final long serialVersionUID = 1L;
        Unresolved(String why) { super(why, null, false, false); }
    }

    /** Whether {@code g} is joblib's wrapper class, whose instances splice array bytes. */
    static boolean isWrapper(Global g) {
        String[] n = PickleFlow.py3Name(g.module(), g.name());
        return n[1].equals("NumpyArrayWrapper") && JoblibLayout.isJoblibModule(n[0]);
    }

    static Layout layout(Wrapper w) throws Unresolved {
        if (w.unresolved != null) throw new Unresolved(w.unresolved);
        if (!(w.attributes.get("dtype") instanceof DType dtype)) throw new Unresolved("its dtype is not a numpy.dtype the scan can follow");
        Sym alignment = w.attributes.get("numpy_array_alignment_bytes");
        boolean aligned = alignment != null && alignment != PickleFlow.PY_NONE; // joblib tests 'is not None'
        boolean objects = hasObjects(dtype);
        if (objects) return new Layout(0, true, false);
        long[] shape = shape(w.attributes.get("shape"));
        try {
            long n = JoblibLayout.dataBytes(shape, dtype.descr);
            if (dtype.state instanceof Tuple t && t.item(5) instanceof Int elsize && elsize.value() != -1
                    && elsize.value() != JoblibLayout.itemSize(dtype.descr)) {
                throw new Unresolved("its dtype " + dtype.descr + " states an item size of " + elsize.value());
            }
            return new Layout(n, false, aligned);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new Unresolved("its array size cannot be computed (" + e.getMessage() + ")");
        }
    }

    /** numpy's hasobject: from the flags of the dtype's state (numpy keeps what the state says). */
    private static boolean hasObjects(DType d) throws Unresolved {
        boolean objectType = d.descr.startsWith("O");
        if (d.state == null) return objectType;
        if (!(d.state instanceof Tuple t) || !(t.item(0) instanceof Int version) || version.value() < 3
                || !(t.item(7) instanceof Int flags)) {
            throw new Unresolved("the state of its dtype " + d.descr + " is not one the scan can follow");
        }
        boolean flagged = (flags.value() & 1) != 0; // NPY_ITEM_HASOBJECT
        if (objectType && !flagged) throw new Unresolved("its object dtype is flagged as holding no objects");
        return flagged;
    }

    private static long[] shape(Sym s) throws Unresolved {
        if (!(s instanceof Tuple t)) throw new Unresolved("its shape is not a tuple the scan can follow");
        long[] out = new long[t.items().length];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items()[i] instanceof Int d)) throw new Unresolved("its shape holds a value that is not a known integer");
            out[i] = d.value();
        }
        return out;
    }
}
