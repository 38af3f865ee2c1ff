package dev.torch4j.numpy;

import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.pickle.BuildHook;
import dev.torch4j.pickle.InlineData;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * numpy arrays in {@code joblib.dump} files, read the way joblib's own unpickler does in its
 * {@code load_build}: when BUILD completes on one of joblib's wrappers, the wrapper is replaced by
 * the array it stands for.
 *
 * <ul>
 *   <li>{@code NumpyArrayWrapper} (joblib 0.10 and later; {@code sklearn.externals.joblib} too): the
 *       array's bytes follow the BUILD opcode in the stream, in the wrapper's {@code order}. joblib 1.2+
 *       records {@code numpy_array_alignment_bytes} and first writes one byte holding a padding length
 *       n (1 to 16) and n padding bytes, so the data is 16-byte aligned in the file; older wrappers
 *       lack the field and have no padding. Object arrays are pickled inline instead (a whole pickle,
 *       read here by the same safe machine). The tensor views the input in place: mapped for a plain
 *       file, the inflated buffer for a compressed one.</li>
 *   <li>{@code NDArrayWrapper} (before 0.10): the array sits in a side file {@code filename} beside
 *       the pickle, written by {@code numpy.save}; it is read (heap copy) from that file.</li>
 *   <li>{@code ZNDArrayWrapper} (before 0.10, compressed): the raw bytes sit in a side file in
 *       joblib's {@code ZF} zlib format; the wrapper holds numpy's reconstruct arguments and state.</li>
 * </ul>
 * Side file names must be plain names in the pickle's own folder (no path separators).
 */
public final class JoblibArrays implements BuildHook {
    private final String file;
    private final Path folder;
    private final long maxInflated;
    private int arrays;

    /**
     * @param file        the file being read, for messages
     * @param folder      where pre-0.10 side files are looked up, or null when there is none (nested bytes)
     * @param maxInflated largest decompressed side file accepted
     */
    public JoblibArrays(String file, Path folder, long maxInflated) {
        this.file = file;
        this.folder = folder;
        this.maxInflated = maxInflated;
    }

    /** How many joblib wrappers were replaced by their arrays so far. */
    public int arrays() { return arrays; }

    @Override public Object afterBuild(Object built, InlineData data) throws Exception {
        if (!(built instanceof PyObject o) || !isJoblib(o.type())) return built;
        Object array = switch (o.type().name()) {
            case "NumpyArrayWrapper" -> inline(o.attributes(), data);
            case "NDArrayWrapper" -> sideNpy(o.attributes());
            case "ZNDArrayWrapper" -> sideZFile(o.attributes());
            default -> built;
        };
        if (array != built) arrays++;
        return array;
    }

    private static boolean isJoblib(PyGlobal type) {
        return JoblibLayout.isJoblibModule(type.module());
    }

    private Object inline(Map<Object, Object> w, InlineData data) throws TorchFileException {
        long at = data.position();
        long[] shape = NumpyGlobals.shape(w.get("shape"));
        if (!(w.get("dtype") instanceof NumpyDType dtype)) {
            throw new IllegalArgumentException("NumpyArrayWrapper without a numpy dtype");
        }
        Object order = w.get("order");
        if (order != null && !"C".equals(order) && !"F".equals(order)) {
            throw new IllegalArgumentException("NumpyArrayWrapper order must be 'C' or 'F', got " + order);
        }
        boolean fortran = "F".equals(order);
        if (dtype.isObject()) return data.readPickle();
        Object alignment = w.get("numpy_array_alignment_bytes");
        if (alignment != null) {
            int padding = data.readByte();
            if (padding > 64) throw new IllegalArgumentException("joblib padding of " + padding + " bytes at byte " + at + " (at most 16 expected)");
            data.skip(padding);
        }
        long n = JoblibLayout.dataBytes(shape, dtype.descr());
        long start = data.position();
        ByteRegion bytes = data.take(n);
        DType dt = dtype.toDType();
        if (dt != null) return ArrayViews.over(bytes, dt, dtype.byteOrder(), shape, fortran, "joblib@" + start);
        return placeholder(w.get("subclass"), shape, dtype, fortran, copy(bytes));
    }

    private static Object placeholder(Object subclass, long[] shape, NumpyDType dtype, boolean fortran, byte[] bytes) {
        NumpyArray a = new NumpyArray(subclass);
        List<Object> dims = new ArrayList<>();
        for (long s : shape) dims.add(s);
        a.setState(PyTuple.of(1L, PyTuple.copyOf(dims), dtype, fortran, bytes));
        return a.replacement();
    }

    private static byte[] copy(ByteRegion r) {
        if (r.size() > NpyFile.MAX_DATA) throw new IllegalArgumentException("array of " + r.size() + " bytes is too large for the heap");
        byte[] b = new byte[(int) r.size()];
        r.copyTo(0, b, 0, b.length);
        return b;
    }

    private Object sideNpy(Map<Object, Object> w) throws IOException {
        Path side = sideFile(w.get("filename"));
        return NpyFile.read(side);
    }

    private Object sideZFile(Map<Object, Object> w) throws IOException {
        Path side = sideFile(w.get("filename"));
        if (!(w.get("init_args") instanceof PyTuple init) || init.isEmpty()) {
            throw new IllegalArgumentException("ZNDArrayWrapper without numpy's reconstruct arguments");
        }
        if (!(w.get("state") instanceof PyTuple state) || state.size() != 4) {
            throw new IllegalArgumentException("ZNDArrayWrapper state must be (version, shape, dtype, is_fortran)");
        }
        byte[] raw = JoblibCompression.readZFile(side.toString(), new HeapRegion(Files.readAllBytes(side)), maxInflated);
        NumpyArray a = new NumpyArray(init.get(0));
        List<Object> full = new ArrayList<>(state);
        full.add(raw);
        a.setState(PyTuple.copyOf(full));
        return a.replacement();
    }

    private Path sideFile(Object name) throws TorchFileException {
        if (!(name instanceof String s) || s.isEmpty() || s.contains("/") || s.contains("\\") || s.equals("..")
                || s.equals(".") || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("joblib side file name " + name + " is not a plain file name; refused");
        }
        if (folder == null) throw new IllegalArgumentException("joblib side file " + s + " cannot be found for in-memory bytes");
        Path p = folder.resolve(s);
        if (!Files.isRegularFile(p)) {
            throw new TorchFileException(file, null, -1, "joblib before 0.10 kept this array in the side file " + p
                    + ", which is missing (copy it next to the pickle)");
        }
        return p;
    }
}
