package dev.torch4j.torchsave.zip;

import dev.torch4j.pickle.Opcodes;
import dev.torch4j.pickle.PickleWriter;
import dev.torch4j.python.PyDict;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Quantization;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pickles an object tree the way {@code torch.save} does (protocol 2, tensors reduced to
 * {@code torch._utils._rebuild_tensor_v2} over persistent-id storages), using only globals on
 * PyTorch's weights_only allowlist. Storages are numbered in order of first use; tensors that
 * hold the same {@link Storage} instance share one storage record, as in PyTorch.
 */
final class TorchPickler {
    /** Python's own recursion limit is 1000: deeper trees could not be loaded there anyway. */
    static final int MAX_DEPTH = 1000;
    /** CPython's pickler batches APPENDS/SETITEMS in groups of 1000. */
    private static final int BATCH = 1000;

    /** One storage to write as {@code data/<key>}: {@code byteLength} bytes of {@code storage}, elements of {@code dtype}. */
    record SavedStorage(String key, Storage storage, DType dtype, long byteLength) {}

    private final PickleWriter out = new PickleWriter();
    private final IdentityHashMap<Object, Integer> memo = new IdentityHashMap<>();
    private final Map<String, Integer> stringMemo = new HashMap<>();
    private final Map<String, Integer> globalMemo = new HashMap<>();
    private final IdentityHashMap<Storage, StorageRef> storages = new IdentityHashMap<>();
    private final List<SavedStorage> saved = new ArrayList<>();
    private final Set<Object> tuplesInProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    private int nextMemo;
    private int depth;

    private static final class StorageRef {
        final SavedStorage saved;
        final boolean untyped;
        int pidMemo = -1;

        StorageRef(SavedStorage saved, boolean untyped) {
            this.saved = saved;
            this.untyped = untyped;
        }
    }

    /** Pickles {@code root}; returns the data.pkl bytes. Call {@link #storages()} afterwards. */
    byte[] pickle(Object root) {
        out.proto(2);
        save(root, "root");
        out.op(Opcodes.STOP);
        return out.toByteArray();
    }

    /** The storages the pickle refers to, in order of first use. */
    List<SavedStorage> storages() { return Collections.unmodifiableList(saved); }

    private void save(Object obj, String path) {
        if (++depth > MAX_DEPTH) {
            throw new IllegalArgumentException("object tree nested deeper than " + MAX_DEPTH + " levels at " + path);
        }
        try {
            saveValue(obj, path);
        } finally {
            depth--;
        }
    }

    private void saveValue(Object obj, String path) {
        if (obj == null) { out.op(Opcodes.NONE); return; }
        if (obj instanceof Boolean b) { out.op(b ? Opcodes.NEWTRUE : Opcodes.NEWFALSE); return; }
        if (obj instanceof Long || obj instanceof Integer || obj instanceof Short || obj instanceof Byte) {
            out.integer(((Number) obj).longValue());
            return;
        }
        if (obj instanceof BigInteger bi) { out.integer(bi); return; }
        if (obj instanceof Double || obj instanceof Float) { out.binfloat(((Number) obj).doubleValue()); return; }
        if (obj instanceof String s) { saveString(s); return; }
        if (obj instanceof PyGlobal g) { saveAllowedGlobal(g, path); return; }
        Integer known = memo.get(obj);
        if (known != null) { out.getMemo(known); return; }
        if (obj instanceof Tensor t) saveTensor(t, path);
        else if (obj instanceof PyTuple t) saveTuple(t, path);
        else if (obj instanceof Map<?, ?> m) saveOrderedDict(m, path);
        else if (obj instanceof List<?> l) saveList(l, path);
        else if (obj instanceof byte[] b) saveBytes(b);
        else if (obj instanceof dev.torch4j.python.PyBytes b) saveBytes(b.toByteArray());
        else throw new IllegalArgumentException("cannot save " + pythonType(obj) + " at " + path
                + ": torch4j writes only what torch.load(weights_only=True) reads (tensors, dicts, lists,"
                + " tuples, strings, numbers, booleans, None, bytes)");
    }

    private int memoize(Object obj) {
        int index = nextMemo++;
        memo.put(obj, index);
        out.putMemo(index);
        return index;
    }

    private void saveString(String s) {
        Integer known = stringMemo.get(s);
        if (known != null) { out.getMemo(known); return; }
        out.unicode(s);
        int index = nextMemo++;
        stringMemo.put(s, index);
        out.putMemo(index);
    }

    private void global(String module, String name) {
        String qualified = module + "\n" + name;
        Integer known = globalMemo.get(qualified);
        if (known != null) { out.getMemo(known); return; }
        out.global(module, name);
        int index = nextMemo++;
        globalMemo.put(qualified, index);
        out.putMemo(index);
    }

    /** Only the torch dtypes and quantization schemes that weights_only accepts as bare globals. */
    private void saveAllowedGlobal(PyGlobal g, String path) {
        boolean allowed = "torch".equals(g.module())
                && (DType.fromPythonName(g.name()) != null || g.name().startsWith("per_tensor_")
                || g.name().startsWith("per_channel_"));
        if (!allowed) {
            throw new IllegalArgumentException("cannot save global " + g.qualifiedName() + " at " + path
                    + ": not on PyTorch's weights_only allowlist");
        }
        global(g.module(), g.name());
    }

    private void saveTuple(PyTuple t, String path) {
        int n = t.size();
        if (n == 0) { out.op(Opcodes.EMPTY_TUPLE); return; }
        if (!tuplesInProgress.add(t)) throw new IllegalArgumentException("tuple contains itself at " + path);
        try {
            if (n > 3) out.op(Opcodes.MARK);
            for (int i = 0; i < n; i++) save(t.get(i), path + "." + i);
        } finally {
            tuplesInProgress.remove(t);
        }
        out.op(switch (n) {
            case 1 -> Opcodes.TUPLE1;
            case 2 -> Opcodes.TUPLE2;
            case 3 -> Opcodes.TUPLE3;
            default -> Opcodes.TUPLE;
        });
        memoize(t);
    }

    private void saveList(List<?> list, String path) {
        out.op(Opcodes.EMPTY_LIST);
        memoize(list);
        List<?> items = new ArrayList<>(list); // a snapshot; Python lists hold None freely
        for (int start = 0; start < items.size(); start += BATCH) {
            int end = Math.min(items.size(), start + BATCH);
            if (end - start == 1) {
                save(items.get(start), path + "." + start);
                out.op(Opcodes.APPEND);
            } else {
                out.op(Opcodes.MARK);
                for (int i = start; i < end; i++) save(items.get(i), path + "." + i);
                out.op(Opcodes.APPENDS);
            }
        }
    }

    private void saveOrderedDict(Map<?, ?> map, String path) {
        global("collections", "OrderedDict");
        out.op(Opcodes.EMPTY_TUPLE);
        out.op(Opcodes.REDUCE);
        memoize(map);
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        for (int start = 0; start < entries.size(); start += BATCH) {
            int end = Math.min(entries.size(), start + BATCH);
            if (end - start > 1) out.op(Opcodes.MARK);
            for (int i = start; i < end; i++) {
                Map.Entry<?, ?> e = entries.get(i);
                save(e.getKey(), path + "[key]");
                save(e.getValue(), path + "." + e.getKey());
            }
            out.op(end - start > 1 ? Opcodes.SETITEMS : Opcodes.SETITEM);
        }
        // A state_dict's _metadata (module versions load_state_dict consults) is instance state: BUILD.
        if (map instanceof PyDict d && !d.attributes().isEmpty()) {
            save(new java.util.LinkedHashMap<>(d.attributes()), path + ".__dict__");
            out.op(Opcodes.BUILD);
        }
    }

    private void emptyOrderedDict() {
        global("collections", "OrderedDict");
        out.op(Opcodes.EMPTY_TUPLE);
        out.op(Opcodes.REDUCE);
        out.putMemo(nextMemo++);
    }

    /** CPython's protocol-2 form for bytes: {@code _codecs.encode(latin1_text, 'latin1')}. */
    private void saveBytes(byte[] bytes) {
        global("_codecs", "encode");
        out.unicode(new String(bytes, StandardCharsets.ISO_8859_1));
        out.putMemo(nextMemo++);
        saveString("latin1");
        out.op(Opcodes.TUPLE2);
        out.putMemo(nextMemo++);
        out.op(Opcodes.REDUCE);
        memoize(bytes);
    }

    private void saveTensor(Tensor t, String path) {
        if (t.isParameter()) {
            // nn.Parameter.__reduce_ex__: _rebuild_parameter(data, requires_grad, OrderedDict())
            global("torch._utils", "_rebuild_parameter");
            saveTensorData(t, false, path);
            out.op(t.requiresGrad() ? Opcodes.NEWTRUE : Opcodes.NEWFALSE);
            emptyOrderedDict();
            out.op(Opcodes.TUPLE3);
            out.op(Opcodes.REDUCE);
        } else {
            saveTensorData(t, t.requiresGrad(), path);
        }
        memoize(t);
    }

    private void saveTensorData(Tensor t, boolean requiresGrad, String path) {
        Quantization q = t.quantization();
        boolean untyped = needsUntypedStorage(t.dtype());
        if (q != null) global("torch._utils", "_rebuild_qtensor");
        else if (untyped) global("torch._utils", "_rebuild_tensor_v3");
        else global("torch._utils", "_rebuild_tensor_v2");
        out.op(Opcodes.MARK);
        saveStorage(t, untyped, path);
        out.integer(t.storageOffset());
        saveIntTuple(t.shape());
        saveIntTuple(t.stride());
        if (q != null) saveQuantizerParams(q, path);
        out.op(requiresGrad ? Opcodes.NEWTRUE : Opcodes.NEWFALSE);
        emptyOrderedDict();
        if (untyped) global("torch", t.dtype().pythonName());
        out.op(Opcodes.TUPLE);
        out.op(Opcodes.REDUCE);
    }

    /** Dtypes newer than typed storages (PyTorch's _new_dtypes) are saved as UntypedStorage + dtype (v3). */
    static boolean needsUntypedStorage(DType dtype) {
        return dtype.legacyStorageClass() == null || dtype == DType.COMPLEX32;
    }

    private void saveQuantizerParams(Quantization q, String path) {
        if (q.isPerChannel()) {
            // PyTorch writes every per-channel scheme as per_channel_affine (Tensor._reduce_ex_internal).
            out.op(Opcodes.MARK);
            global("torch", "per_channel_affine");
            save(q.scales(), path + ".q_per_channel_scales");
            save(q.zeroPoints(), path + ".q_per_channel_zero_points");
            out.integer(q.axis());
            out.op(Opcodes.TUPLE);
        } else {
            global("torch", "per_tensor_affine");
            out.binfloat(q.scale());
            out.integer(q.zeroPoint());
            out.op(Opcodes.TUPLE3);
        }
    }

    private void saveIntTuple(long[] values) {
        switch (values.length) {
            case 0 -> out.op(Opcodes.EMPTY_TUPLE);
            case 1, 2, 3 -> {
                for (long v : values) out.integer(v);
                out.op(values.length == 1 ? Opcodes.TUPLE1 : values.length == 2 ? Opcodes.TUPLE2 : Opcodes.TUPLE3);
            }
            default -> {
                out.op(Opcodes.MARK);
                for (long v : values) out.integer(v);
                out.op(Opcodes.TUPLE);
            }
        }
    }

    /** The persistent id {@code ('storage', torch.FloatStorage, key, 'cpu', numel)}, written once per storage. */
    private void saveStorage(Tensor t, boolean untyped, String path) {
        Storage storage = t.storage();
        StorageRef ref = storages.get(storage);
        if (ref == null) {
            DType elementType = t.dtype();
            long itemSize = elementType.itemSize();
            long byteLength = storage.byteSize() - storage.byteSize() % itemSize;
            ref = new StorageRef(new SavedStorage(Integer.toString(saved.size()), storage, elementType, byteLength), untyped);
            storages.put(storage, ref);
            saved.add(ref.saved);
        } else if (ref.saved.dtype() != t.dtype() && !(ref.untyped && untyped)) {
            throw new IllegalArgumentException("tensor at " + path + " views storage " + storage.key() + " as "
                    + t.dtype().pythonName() + " but another tensor views it as " + ref.saved.dtype().pythonName()
                    + " (PyTorch cannot save that either)");
        }
        if (ref.pidMemo >= 0) {
            out.getMemo(ref.pidMemo);
        } else {
            out.op(Opcodes.MARK);
            saveString("storage");
            if (untyped) global("torch", "UntypedStorage");
            else global("torch", ref.saved.dtype().legacyStorageClass());
            saveString(ref.saved.key());
            saveString("cpu");
            out.integer(untyped ? ref.saved.byteLength() : ref.saved.byteLength() / ref.saved.dtype().itemSize());
            out.op(Opcodes.TUPLE);
            ref.pidMemo = nextMemo++;
            out.putMemo(ref.pidMemo);
        }
        out.op(Opcodes.BINPERSID);
    }

    /** What a value is, in Python's words (messages reach command-line users: no Java class names). */
    private static String pythonType(Object obj) {
        if (obj instanceof dev.torch4j.python.PyObject o) return "an object of class " + o.type().qualifiedName();
        if (obj instanceof dev.torch4j.python.PyGlobal g) return "the global " + g.qualifiedName();
        return "a value of an unsupported type";
    }
}
