package dev.torch4j.torchscript.mobile;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.executorch.MobileFlatbufferFile;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.python.PyComplex;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.torchscript.mobile.PickleTree.Global;
import dev.torch4j.torchscript.mobile.PickleTree.PersistentId;
import dev.torch4j.zip.AlignedZipWriter;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a flatbuffer mobile module (bytecode v9) as the zip {@code .ptl} of bytecode version 8 that
 * PyTorch's {@code _backport_for_mobile(f, out, 8)} writes: {@code data.pkl} (the module's state,
 * storages under {@code data/}), {@code code/} from the kept TorchScript sources, {@code constants.pkl}
 * and {@code bytecode.pkl} (their tensors under {@code constants/}), {@code version}. The lower
 * versions are then {@link MobileBackport}'s steps on that archive.
 */
final class FlatbufferToZip {
    private static final int BYTECODE_VERSION = 8;
    /** The archive format version PyTorch 1.13 writes in {@code version}. */
    private static final String ARCHIVE_VERSION = "3";
    /** A TorchScript source's qualified name: identifiers joined by dots (it becomes a path under code/). */
    private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    private final String file;
    private final String prefix;

    private FlatbufferToZip(String file, String prefix) {
        this.file = file;
        this.prefix = prefix;
    }

    /** Writes the v8 archive of the flatbuffer {@code bytes} to {@code out}; {@code name} is the archive's record folder. */
    static void write(String file, ByteRegion bytes, String name, FileChannel out) throws IOException {
        MobileFlatbufferFile.Module module = MobileFlatbufferFile.module(file, bytes);
        try {
            new FlatbufferToZip(file, name + "/").write(module, out);
        } catch (IllegalArgumentException e) {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, file, null, -1, e.getMessage(), e);
        }
    }

    private void write(MobileFlatbufferFile.Module module, FileChannel out) throws IOException {
        AlignedZipWriter w = new AlignedZipWriter(out, false);
        Pickling data = new Pickling();
        byte[] dataPkl = pickle(data.tree(module.state()), "data.pkl");
        for (Map.Entry<String, Storage> e : data.storages.entrySet()) copy(w, "data/" + e.getKey(), e.getValue());
        w.writeEntry(prefix + "data.pkl", dataPkl);
        for (Map.Entry<String, String> source : module.jitSources().entrySet()) {
            String qn = source.getKey();
            if (qn == null || !QUALIFIED.matcher(qn).matches()) {
                throw new TorchFileException(file, "jit_sources", -1, "TorchScript source named '" + qn + "', not a qualified name");
            }
            String text = source.getValue() == null ? "" : source.getValue();
            w.writeEntry(prefix + "code/" + qn.replace('.', '/') + ".py", text.getBytes(StandardCharsets.UTF_8));
        }
        Pickling constants = new Pickling();
        byte[] constantsPkl = pickle(constants.tree(PyTuple.copyOf(module.jitConstants())), "constants.pkl");
        List<Object> bytecode = new ArrayList<>();
        bytecode.add((long) BYTECODE_VERSION);
        for (MobileFlatbufferFile.Function f : module.methods()) bytecode.add(constants.tree(method(f)));
        byte[] bytecodePkl = pickle(PyTuple.copyOf(bytecode), "bytecode.pkl");
        for (Map.Entry<String, Storage> e : constants.storages.entrySet()) copy(w, "constants/" + e.getKey(), e.getValue());
        w.writeEntry(prefix + "constants.pkl", constantsPkl);
        w.writeEntry(prefix + "bytecode.pkl", bytecodePkl);
        w.writeEntry(prefix + "version", ARCHIVE_VERSION.getBytes(StandardCharsets.US_ASCII));
        w.finish();
    }

    /** A method as bytecode.pkl (v8) holds it: name, code table, schema. */
    private static PyTuple method(MobileFlatbufferFile.Function f) {
        List<Object> instructions = new ArrayList<>();
        for (MobileFlatbufferFile.Instruction i : f.instructions()) instructions.add(PyTuple.of(i.opcode(), i.x(), i.n()));
        List<Object> operators = new ArrayList<>();
        for (MobileFlatbufferFile.Operator o : f.operators()) {
            operators.add(o.numArgs() < 0 ? PyTuple.of(o.name(), o.overload()) : PyTuple.of(o.name(), o.overload(), (long) o.numArgs()));
        }
        PyTuple code = PyTuple.of(new Object[] {
            PyTuple.of("instructions", PyTuple.copyOf(instructions)),
            PyTuple.of("operators", PyTuple.copyOf(operators)),
            PyTuple.of("constants", PyTuple.copyOf(f.constants())),
            PyTuple.of("types", PyTuple.copyOf(new ArrayList<>(f.types()))),
            PyTuple.of("register_size", f.registerSize())});
        if (f.arguments() == null) return PyTuple.of(f.name(), code);
        PyTuple schema = PyTuple.of(PyTuple.of("arguments", args(f.arguments())), PyTuple.of("returns", args(f.returns())));
        return PyTuple.of(f.name(), code, schema);
    }

    private static PyTuple args(List<MobileFlatbufferFile.Arg> args) {
        List<Object> out = new ArrayList<>();
        for (MobileFlatbufferFile.Arg a : args) {
            out.add(PyTuple.of(PyTuple.of("name", a.name()), PyTuple.of("type", a.type()), PyTuple.of("default_value", a.defaultValue())));
        }
        return PyTuple.copyOf(out);
    }

    /**
     * Values made ready for {@link PickleTreeWriter}: tensors become PyTorch's rebuild calls over a
     * persistent storage id, and the storages they use are collected (keyed as in the flatbuffer).
     */
    private final class Pickling {
        final Map<String, Storage> storages = new LinkedHashMap<>();
        private final Map<Object, Object> done = new IdentityHashMap<>();

        Object tree(Object v) {
            if (v == null || v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) return v;
            Object seen = done.get(v);
            if (seen != null) return seen;
            Object out;
            if (v instanceof Tensor t) {
                out = tensor(t);
            } else if (v instanceof MobileFlatbufferFile.TypedList l) {
                List<Object> items = new ArrayList<>(l.size());
                for (Object o : l) items.add(tree(o));
                out = new PyObject(new PyGlobal("torch.jit._pickle", l.builder()), PyTuple.of(items));
            } else if (v instanceof PyTuple t) {
                Object[] items = new Object[t.size()];
                for (int i = 0; i < items.length; i++) items[i] = tree(t.get(i));
                out = PyTuple.of(items);
            } else if (v instanceof List<?> l) {
                List<Object> items = new ArrayList<>(l.size());
                for (Object o : l) items.add(tree(o));
                out = items;
            } else if (v instanceof Map<?, ?> m) {
                Map<Object, Object> items = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) items.put(tree(e.getKey()), tree(e.getValue()));
                out = items;
            } else if (v instanceof PyObject o) {
                PyObject copy = new PyObject(o.type(), PyTuple.EMPTY);
                if (o.state() != null) copy.setState(tree(o.state()));
                out = copy;
            } else if (v instanceof PyComplex) {
                throw new IllegalArgumentException("complex constants are not written to zip bytecode by torch4j");
            } else {
                throw new IllegalArgumentException("a value of type " + v.getClass().getSimpleName() + " cannot be pickled");
            }
            done.put(v, out);
            return out;
        }

        private Object tensor(Tensor t) {
            Storage s = t.storage();
            storages.putIfAbsent(s.key(), s);
            long numel = s.byteSize() / t.dtype().itemSize();
            PersistentId id = new PersistentId(PyTuple.of(new Object[] {"storage",
                new Global("torch", t.dtype().legacyStorageClass()), s.key(), "cpu", numel}));
            return new PyObject(new PyGlobal("torch._utils", "_rebuild_tensor_v2"), PyTuple.of(new Object[] {
                id, t.storageOffset(), longs(t.shape()), longs(t.stride()), t.requiresGrad(),
                new PyObject(new PyGlobal("collections", "OrderedDict"), PyTuple.EMPTY)}));
        }
    }

    private static PyTuple longs(long[] a) {
        Object[] out = new Object[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i];
        return PyTuple.of(out);
    }

    private byte[] pickle(Object tree, String record) throws TorchFileException {
        try {
            return PickleTreeWriter.write(tree, id -> id);
        } catch (IllegalArgumentException e) {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, file, record, -1, e.getMessage(), e);
        }
    }

    private void copy(AlignedZipWriter w, String name, Storage s) throws IOException {
        ByteRegion data = s.data();
        long size = data.size();
        w.writeEntryCrc(prefix + name, size, sink -> {
            for (long at = 0; at < size; at += 1 << 20) sink.write(data.slice(at, (int) Math.min(1 << 20, size - at)));
        });
    }
}
