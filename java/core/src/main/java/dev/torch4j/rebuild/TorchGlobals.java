package dev.torch4j.rebuild;

import dev.torch4j.read.PyValues;
import dev.torch4j.pickle.GlobalResolver;
import dev.torch4j.pickle.PyCallable;
import dev.torch4j.python.PyBytes;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Quantization;
import dev.torch4j.tensor.Tensor;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.torch4j.read.PyValues.arg;
import static dev.torch4j.read.PyValues.describe;
import static dev.torch4j.read.PyValues.optionalArg;
import static dev.torch4j.read.PyValues.toBoolean;
import static dev.torch4j.read.PyValues.toLong;
import static dev.torch4j.read.PyValues.toLongArray;
import static dev.torch4j.read.PyValues.toStr;

/**
 * PyTorch's reconstructors and constants, in Java: what {@code torch/_utils.py},
 * {@code torch/serialization.py} and {@code torch/jit/_pickle.py} would run on load. Everything
 * else under {@code torch} stays unresolved (an inert placeholder).
 */
public final class TorchGlobals implements GlobalResolver {
    /** Loads a complete torch.save payload held in memory ({@code torch.storage._load_from_bytes}). */
    @FunctionalInterface
    public interface NestedPayloadLoader {
        Object load(byte[] payload) throws Exception;
    }

    private static final Set<String> QSCHEMES = Set.of("per_tensor_affine", "per_channel_affine",
            "per_tensor_symmetric", "per_channel_symmetric", "per_channel_affine_float_qparams");
    private static final Set<String> LAYOUTS_AND_FORMATS = Set.of("strided", "sparse_coo", "sparse_csr",
            "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn", "jagged", "contiguous_format",
            "channels_last", "channels_last_3d", "preserve_format");

    private final NestedPayloadLoader nested;
    private final List<?> tensorTable;

    /**
     * @param nested      loads {@code _load_from_bytes} payloads; null refuses them
     * @param tensorTable tensors that {@code build_tensor_from_id} indexes; null when the file has none
     */
    public TorchGlobals(NestedPayloadLoader nested, List<?> tensorTable) {
        this.nested = nested;
        this.tensorTable = tensorTable;
    }

    @Override
    public PyCallable resolve(String module, String name) {
        return switch (module) {
            case "torch._utils" -> utils(name);
            case "torch._tensor" -> "_rebuild_from_type".equals(name) ? TorchFunction.REBUILD_FROM_TYPE
                    : "_rebuild_from_type_v2".equals(name) ? TorchFunction.REBUILD_FROM_TYPE_V2 : null;
            case "torch" -> torch(name);
            case "torch.cuda" -> storageClass(module, name);
            case "torch.storage" -> switch (name) {
                case "_load_from_bytes" -> new LoadFromBytes(nested);
                case "UntypedStorage", "_UntypedStorage", "TypedStorage", "_TypedStorage" ->
                        new TorchTypes.StorageClass(module + "." + name, null);
                default -> null;
            };
            case "torch.serialization" -> "_get_layout".equals(name) ? TorchFunction.GET_LAYOUT : null;
            case "torch.nn.parameter" -> "Parameter".equals(name) ? TorchFunction.PARAMETER : null;
            case "torch.jit._pickle" -> jitPickle(name);
            default -> null;
        };
    }

    private static PyCallable utils(String name) {
        return switch (name) {
            case "_rebuild_tensor" -> TorchFunction.REBUILD_TENSOR;
            case "_rebuild_tensor_v2" -> TorchFunction.REBUILD_TENSOR_V2;
            case "_rebuild_tensor_v3" -> TorchFunction.REBUILD_TENSOR_V3;
            case "_rebuild_parameter" -> TorchFunction.REBUILD_PARAMETER;
            case "_rebuild_parameter_with_state" -> TorchFunction.REBUILD_PARAMETER_WITH_STATE;
            case "_rebuild_qtensor" -> TorchFunction.REBUILD_QTENSOR;
            case "_rebuild_sparse_tensor" -> TorchFunction.REBUILD_SPARSE_TENSOR;
            case "_rebuild_device_tensor_from_numpy" -> TorchFunction.REBUILD_DEVICE_TENSOR_FROM_NUMPY;
            default -> null;
        };
    }

    private static PyCallable torch(String name) {
        if ("Size".equals(name)) return TorchFunction.SIZE;
        if ("device".equals(name)) return TorchFunction.DEVICE;
        DType dtype = DType.fromPythonName(name);
        if (dtype != null) return new TorchTypes.DTypeValue(dtype);
        if (QSCHEMES.contains(name)) return new TorchTypes.QScheme(name);
        if (LAYOUTS_AND_FORMATS.contains(name)) return new TorchTypes.Named("torch." + name);
        return storageClass("torch", name);
    }

    private static PyCallable storageClass(String module, String name) {
        if ("UntypedStorage".equals(name)) {
            return new TorchTypes.StorageClass(module + "." + name, null);
        }
        DType dtype = DType.fromStorageClass(name);
        return dtype == null ? null : new TorchTypes.StorageClass(module + "." + name, dtype);
    }

    private PyCallable jitPickle(String name) {
        return switch (name) {
            case "build_intlist" -> TorchFunction.BUILD_INTLIST;
            case "build_doublelist" -> TorchFunction.BUILD_DOUBLELIST;
            case "build_boollist" -> TorchFunction.BUILD_BOOLLIST;
            case "build_tensorlist" -> TorchFunction.BUILD_TENSORLIST;
            case "build_list" -> TorchFunction.BUILD_LIST;
            case "restore_type_tag" -> TorchFunction.RESTORE_TYPE_TAG;
            case "build_tensor_from_id" -> new TensorFromId(tensorTable);
            default -> null;
        };
    }

    /**
     * The functions that need nothing but their arguments, one constant each, named by their Python name.
     * An enum, not lambdas: a short command's first lambda initialises java.lang.invoke and each later one
     * spins a class (several ms of a 0.2 s inspect, which resolves several of these); see docs/building.md.
     */
    private enum TorchFunction implements PyCallable {
        REBUILD_TENSOR("torch._utils", "_rebuild_tensor"),
        REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2"),
        REBUILD_TENSOR_V3("torch._utils", "_rebuild_tensor_v3"),
        REBUILD_PARAMETER("torch._utils", "_rebuild_parameter"),
        REBUILD_PARAMETER_WITH_STATE("torch._utils", "_rebuild_parameter_with_state"),
        REBUILD_QTENSOR("torch._utils", "_rebuild_qtensor"),
        REBUILD_SPARSE_TENSOR("torch._utils", "_rebuild_sparse_tensor"),
        REBUILD_DEVICE_TENSOR_FROM_NUMPY("torch._utils", "_rebuild_device_tensor_from_numpy"),
        REBUILD_FROM_TYPE("torch._tensor", "_rebuild_from_type"),
        REBUILD_FROM_TYPE_V2("torch._tensor", "_rebuild_from_type_v2"),
        SIZE("torch", "Size"),
        DEVICE("torch", "device"),
        GET_LAYOUT("torch.serialization", "_get_layout"),
        PARAMETER("torch.nn.parameter", "Parameter"),
        BUILD_INTLIST("torch.jit._pickle", "build_intlist"),
        BUILD_DOUBLELIST("torch.jit._pickle", "build_doublelist"),
        BUILD_BOOLLIST("torch.jit._pickle", "build_boollist"),
        BUILD_TENSORLIST("torch.jit._pickle", "build_tensorlist"),
        BUILD_LIST("torch.jit._pickle", "build_list"),
        RESTORE_TYPE_TAG("torch.jit._pickle", "restore_type_tag");

        /** The function's name in its module, as messages about its arguments say it. */
        private final String name;
        private final String qualifiedName;

        TorchFunction(String module, String name) {
            this.name = name;
            this.qualifiedName = module + "." + name;
        }

        @Override public Object call(PyTuple args) throws Exception {
            return switch (this) {
                case REBUILD_TENSOR -> TensorBuilder.build(name, arg(args, 0, name), arg(args, 1, name), arg(args, 2, name),
                        arg(args, 3, name), null, false);
                case REBUILD_TENSOR_V2 -> TensorBuilder.build(name, arg(args, 0, name), arg(args, 1, name), arg(args, 2, name),
                        arg(args, 3, name), null, toBoolean(optionalArg(args, 4), false));
                case REBUILD_TENSOR_V3 -> TensorBuilder.build(name, arg(args, 0, name), arg(args, 1, name), arg(args, 2, name),
                        arg(args, 3, name), toDType(arg(args, 6, name)), toBoolean(optionalArg(args, 4), false));
                case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE ->
                        asTensor(arg(args, 0, name), name).asParameter(toBoolean(optionalArg(args, 1), true));
                case REBUILD_QTENSOR -> rebuildQTensor(args);
                case REBUILD_SPARSE_TENSOR -> rebuildSparse(args);
                case REBUILD_DEVICE_TENSOR_FROM_NUMPY -> {
                    Object data = arg(args, 0, name);
                    if (data instanceof Tensor t) yield t;
                    yield new PyObject(new PyGlobal("torch._utils", name), args);
                }
                case REBUILD_FROM_TYPE -> rebuildFromType(args);
                case REBUILD_FROM_TYPE_V2 -> rebuildFromTypeV2(args);
                case SIZE -> PyTuple.copyOf((List<?>) listArg(args, "torch.Size"));
                case DEVICE -> device(args);
                case GET_LAYOUT -> new TorchTypes.Named(toStr(arg(args, 0, name), "layout name"));
                case PARAMETER -> parameter(args);
                case BUILD_INTLIST, BUILD_DOUBLELIST, BUILD_BOOLLIST, BUILD_TENSORLIST, BUILD_LIST -> listArg(args, name);
                case RESTORE_TYPE_TAG -> arg(args, 0, name);
            };
        }

        @Override public String toString() { return qualifiedName; }
    }

    /** {@code torch.storage._load_from_bytes}: a whole torch.save payload, read by {@code nested} (a class, as above). */
    private static final class LoadFromBytes implements PyCallable {
        private final NestedPayloadLoader nested;

        LoadFromBytes(NestedPayloadLoader nested) {
            this.nested = nested;
        }

        @Override public Object call(PyTuple args) throws Exception {
            Object payload = arg(args, 0, "_load_from_bytes");
            byte[] bytes;
            if (payload instanceof byte[] || payload instanceof PyBytes) bytes = PyBytes.asByteArray(payload);
            else if (payload instanceof String s) bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            else throw new IllegalArgumentException("_load_from_bytes expects bytes, got " + describe(payload));
            if (nested == null) throw new IllegalArgumentException("nested torch.save payloads are not allowed here");
            return nested.load(bytes);
        }

        @Override public String toString() { return "torch.storage._load_from_bytes"; }
    }

    /** {@code torch.jit._pickle.build_tensor_from_id}: an entry of the file's tensor table (a class, as above). */
    private static final class TensorFromId implements PyCallable {
        private final List<?> tensorTable;

        TensorFromId(List<?> tensorTable) {
            this.tensorTable = tensorTable;
        }

        @Override public Object call(PyTuple args) {
            long id = toLong(arg(args, 0, "build_tensor_from_id"), "tensor id");
            if (tensorTable == null || id < 0 || id >= tensorTable.size()) {
                throw new IllegalArgumentException("build_tensor_from_id(" + id + ") but the file has "
                        + (tensorTable == null ? "no" : tensorTable.size()) + " tensors in its table");
            }
            return tensorTable.get((int) id);
        }

        @Override public String toString() { return "torch.jit._pickle.build_tensor_from_id"; }
    }

    private static Object listArg(PyTuple args, String function) {
        Object v = arg(args, 0, function);
        if (!(v instanceof List<?>)) throw new IllegalArgumentException(function + " expects a list, got " + describe(v));
        return v;
    }

    private static Object device(PyTuple args) {
        String type = toStr(arg(args, 0, "torch.device"), "device type");
        Object index = optionalArg(args, 1);
        return index == null ? type : type + ":" + toLong(index, "device index");
    }

    /**
     * A Parameter pickled directly (2017 files): {@code Parameter(data, requires_grad)}; BUILD state follows.
     * PyTorch 0.1 pickled it with NEWOBJ and no arguments: the data then arrives with the BUILD state.
     */
    private static Object parameter(PyTuple args) {
        if (args.isEmpty()) return ParameterState.awaitingData();
        return new ParameterState(asTensor(arg(args, 0, "Parameter"), "Parameter"), toBoolean(optionalArg(args, 1), true));
    }

    /** {@code _rebuild_from_type(func, type, args, dict)}: func(*args), the subclass and state dropped. */
    private static Object rebuildFromType(PyTuple args) throws Exception {
        return callNested(arg(args, 0, "_rebuild_from_type"), arg(args, 2, "_rebuild_from_type"));
    }

    private static Object rebuildFromTypeV2(PyTuple args) throws Exception {
        return callNested(arg(args, 0, "_rebuild_from_type_v2"), arg(args, 2, "_rebuild_from_type_v2"));
    }

    private static Object callNested(Object func, Object funcArgs) throws Exception {
        PyTuple tuple = funcArgs instanceof PyTuple t ? t : funcArgs instanceof List<?> l ? PyTuple.copyOf(l) : PyTuple.EMPTY;
        if (func instanceof PyCallable c) return c.call(tuple);
        if (func instanceof PyGlobal g) return new PyObject(g, tuple);
        throw new IllegalArgumentException("_rebuild_from_type_v2 expects a function, got " + describe(func));
    }

    /**
     * {@code _rebuild_qtensor(storage, storage_offset, size, stride, quantizer_params, requires_grad,
     * backward_hooks)} (PyTorch 1.3 passed scale and zero_point in its place); quantizer_params is {@code (qscheme, scale, zero_point)} per tensor or
     * {@code (qscheme, scales, zero_points, axis)} per channel.
     */
    private static Object rebuildQTensor(PyTuple args) {
        String fn = "_rebuild_qtensor";
        Object params = arg(args, 4, fn);
        if (params instanceof Number scale) {
            // PyTorch 1.3: (storage, storage_offset, size, stride, scale, zero_point, requires_grad, backward_hooks)
            Tensor t = TensorBuilder.build(fn, arg(args, 0, fn), arg(args, 1, fn), arg(args, 2, fn), arg(args, 3, fn),
                    null, toBoolean(optionalArg(args, 6), false));
            return t.withQuantization(Quantization.perTensor("per_tensor_affine", scale.doubleValue(),
                    toLong(arg(args, 5, fn), "zero_point")));
        }
        Tensor t = TensorBuilder.build(fn, arg(args, 0, fn), arg(args, 1, fn), arg(args, 2, fn), arg(args, 3, fn),
                null, toBoolean(optionalArg(args, 5), false));
        if (!(params instanceof List<?> p) || p.isEmpty()) {
            throw new IllegalArgumentException("quantizer params must be a tuple, got " + describe(params));
        }
        String scheme = qschemeName(p.get(0));
        Quantization q = switch (scheme) {
            case "per_tensor_affine", "per_tensor_symmetric" -> {
                if (p.size() < 3) throw new IllegalArgumentException(scheme + " needs (qscheme, scale, zero_point)");
                yield Quantization.perTensor(scheme, PyValues.toDouble(p.get(1), "scale"), toLong(p.get(2), "zero_point"));
            }
            case "per_channel_affine", "per_channel_symmetric", "per_channel_affine_float_qparams" -> {
                if (p.size() < 4) throw new IllegalArgumentException(scheme + " needs (qscheme, scales, zero_points, axis)");
                yield Quantization.perChannel(scheme, asTensor(p.get(1), "scales"), asTensor(p.get(2), "zero_points"),
                        toLong(p.get(3), "axis"));
            }
            default -> throw new UnsupportedOperationException("unsupported qscheme " + scheme);
        };
        return t.withQuantization(q);
    }

    private static String qschemeName(Object v) {
        if (v instanceof TorchTypes.QScheme q) return q.name();
        if (v instanceof PyGlobal g) return g.name();
        if (v instanceof String s) return s.startsWith("torch.") ? s.substring(6) : s;
        throw new IllegalArgumentException("qscheme expected, got " + describe(v));
    }

    /** {@code _rebuild_sparse_tensor(layout, data)}. */
    private static Object rebuildSparse(PyTuple args) {
        Object layoutArg = arg(args, 0, "_rebuild_sparse_tensor");
        String layout = layoutArg instanceof TorchTypes.Named n ? n.qualifiedName()
                : layoutArg instanceof PyGlobal g ? g.qualifiedName() : String.valueOf(layoutArg);
        Object data = arg(args, 1, "_rebuild_sparse_tensor");
        if (!(data instanceof List<?> d)) throw new IllegalArgumentException("sparse tensor data must be a tuple");
        Map<String, Tensor> parts = new LinkedHashMap<>();
        long[] size;
        if (layout.endsWith("sparse_coo")) {
            if (d.size() < 3) throw new IllegalArgumentException("sparse COO data needs (indices, values, size)");
            parts.put("indices", asTensor(d.get(0), "indices"));
            parts.put("values", asTensor(d.get(1), "values"));
            size = toLongArray(d.get(2), "size");
        } else {
            if (d.size() < 4) throw new IllegalArgumentException(layout + " data needs (compressed_indices, plain_indices, values, size)");
            parts.put("compressed_indices", asTensor(d.get(0), "compressed_indices"));
            parts.put("plain_indices", asTensor(d.get(1), "plain_indices"));
            parts.put("values", asTensor(d.get(2), "values"));
            size = toLongArray(d.get(3), "size");
        }
        return new SparseTensor(layout.startsWith("torch.") ? layout.substring(6) : layout, size, parts);
    }

    static Tensor asTensor(Object v, String what) {
        if (v instanceof Tensor t) return t;
        throw new IllegalArgumentException(what + " must be a tensor, got " + describe(v));
    }

    static DType toDType(Object v) {
        if (v instanceof TorchTypes.DTypeValue d) return d.dtype();
        if (v instanceof PyGlobal g && "torch".equals(g.module())) {
            DType d = DType.fromPythonName(g.name());
            if (d != null) return d;
        }
        throw new IllegalArgumentException("dtype expected, got " + describe(v));
    }
}
