package dev.torch4j.scan;

import java.util.List;
import java.util.Set;

/**
 * What is known to be safe in a pickle, and which code counts as "platform" code (the standard
 * library, torch, numpy and a few third-party packages known to run code). A call into platform
 * code that is not listed here is dangerous: a denylist can never name every helper that spawns a
 * process or writes a file, while real checkpoints only ever call the short list below.
 */
final class Allowlist {
    private Allowlist() {}

    /** Callables whose call only rebuilds data (Python 3 spellings). */
    private static final Set<String> SAFE_CALLS = Set.of(
            // torch's tensor and storage rebuilders
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
            "torch._utils._rebuild_qtensor", "torch._utils._rebuild_sparse_tensor",
            "torch._utils._rebuild_sparse_csr_tensor", "torch._utils._rebuild_sparse_compressed_tensor",
            "torch._utils._rebuild_device_tensor_from_numpy", "torch._utils._rebuild_meta_tensor_no_storage",
            "torch._utils._rebuild_nested_tensor", "torch._utils._rebuild_wrapper_subclass",
            "torch._utils._rebuild_mlc_tensor", "torch._utils._rebuild_xla_tensor",
            "torch.storage._TypedStorage", "torch.storage.TypedStorage", "torch.storage.UntypedStorage",
            "torch.storage._UntypedStorage", "torch.UntypedStorage", "torch.TypedStorage",
            "torch._tensor._rebuild_from_type", "torch._utils._rebuild_from_type_v2",
            "torch.device", "torch.Size", "torch.Tensor", "torch._tensor.Tensor",
            "torch.nn.parameter.Parameter", "torch.nn.parameter.UninitializedParameter",
            "torch.nn.parameter.UninitializedBuffer", "torch.nn.parameter.Buffer",
            "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_tensorlist",
            "torch.jit._pickle.build_doublelist", "torch.jit._pickle.build_boollist",
            "torch.jit._pickle.build_complexlist", "torch.jit._pickle.build_tensor_from_id",
            "torch.jit._pickle.restore_type_tag",
            "torch.serialization._get_layout",
            "torch.finfo", "torch.iinfo",
            // standard library data types
            "collections.OrderedDict", "collections.defaultdict", "collections.Counter", "collections.deque",
            "collections.ChainMap", "builtins.set", "builtins.frozenset", "builtins.slice", "builtins.complex",
            "builtins.bytearray", "builtins.bytes", "builtins.list", "builtins.dict", "builtins.tuple",
            "builtins.int", "builtins.float", "builtins.str", "builtins.bool", "builtins.range", "builtins.object",
            "copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__", "_codecs.encode",
            "codecs.encode", "io.BytesIO", "_io.BytesIO",
            "argparse.Namespace", "types.SimpleNamespace", "datetime.datetime", "datetime.date", "datetime.time",
            "datetime.timedelta", "datetime.timezone", "decimal.Decimal", "fractions.Fraction", "uuid.UUID",
            "pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.PurePath",
            "pathlib.PurePosixPath", "pathlib.PureWindowsPath", "re._compile", "enum.Enum", "_collections.OrderedDict",
            "_collections.defaultdict", "_collections.deque", "array.array", "array._array_reconstructor",
            // numpy's reconstruction
            "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
            "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
            "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
            "numpy.dtype", "numpy.ndarray", "numpy.ma.core._mareconstruct", "numpy.core.records.recarray",
            "numpy.random._pickle.__randomstate_ctor", "numpy.random._pickle.__generator_ctor",
            "numpy.random._pickle.__bit_generator_ctor", "numpy.random.mtrand.RandomState",
            "numpy.random._generator.Generator");

    /**
     * joblib's array wrappers: joblib.dump pickles them by NEWOBJ (or copyreg._reconstructor) and
     * BUILD with a plain attribute dict; they are never called, so a call stays dangerous.
     */
    private static final Set<String> INSTANTIATED_ONLY = Set.of(
            "joblib.numpy_pickle.NumpyArrayWrapper", "joblib.numpy_pickle_compat.NDArrayWrapper",
            "joblib.numpy_pickle_compat.ZNDArrayWrapper",
            "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle_compat.NDArrayWrapper",
            "sklearn.externals.joblib.numpy_pickle_compat.ZNDArrayWrapper");

    /** Packages whose classes may be instantiated (NEWOBJ then BUILD), as whole pickled models do. */
    private static final List<String> INSTANTIABLE_PREFIXES = List.of(
            "torch.nn.", "torch.optim.", "torch.ao.nn.", "torch.ao.quantization.", "torch.quantization.",
            "torch.distributions.", "torch.utils.data.", "torch.cuda.amp.", "torch.amp.", "torch.storage.",
            "torch.nn.utils.", "collections.", "numpy.", "datetime.", "decimal.", "fractions.", "enum.",
            "argparse.", "types.SimpleNamespace", "uuid.", "pathlib.");

    /** Torch types that are data whatever is done with them: dtypes, layouts, memory formats, qschemes. */
    private static final Set<String> TORCH_CONSTANTS = Set.of(
            "float32", "float", "float64", "double", "float16", "half", "bfloat16", "complex32", "chalf",
            "complex64", "cfloat", "complex128", "cdouble", "uint8", "int8", "int16", "short", "int32", "int",
            "int64", "long", "bool", "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "float8_e4m3fn",
            "float8_e5m2", "uint16", "uint32", "uint64",
            "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn", "jagged",
            "contiguous_format", "channels_last", "channels_last_3d", "preserve_format",
            "per_tensor_affine", "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
            "per_channel_affine_float_qparams", "dtype", "layout", "memory_format", "qscheme");

    /** Third-party packages that exist to run code, load pickles or reach the network. */
    private static final List<String> POWERFUL = List.of(
            "dill", "cloudpickle", "joblib", "yaml", "pip", "setuptools", "pkg_resources", "IPython", "jinja2",
            "pandas", "numexpr", "sympy", "fire", "invoke", "fabric", "paramiko", "requests", "urllib3", "httpx",
            "boto3", "botocore", "keras", "tensorflow", "h5py", "sklearn.externals", "transformers.dynamic_module_utils",
            "huggingface_hub", "mlflow", "wandb", "_pytest", "pytest", "nose", "Cython", "pyximport", "cffi",
            "psutil", "sh", "plumbum", "pexpect", "docker", "git", "torchvision.io", "torchaudio");

    static boolean safeCall(String qualifiedName) {
        return SAFE_CALLS.contains(qualifiedName) || isTorchConstantOrStorage(qualifiedName);
    }

    /** Classes that may be instantiated (not called) although their package runs code: joblib's wrappers. */
    static boolean instantiatedOnly(String qualifiedName) {
        return INSTANTIATED_ONLY.contains(qualifiedName);
    }

    static boolean instantiable(String module, String name) {
        if (name.contains(".")) return false; // a dotted path reaches past the class
        String q = module + "." + name;
        if (safeCall(q)) return true;
        for (String p : INSTANTIABLE_PREFIXES) if (q.startsWith(p)) return true;
        return false;
    }

    /** {@code torch.float32}, {@code torch.FloatStorage}, {@code torch.cuda.HalfStorage}... */
    static boolean isTorchConstantOrStorage(String q) {
        if (!q.startsWith("torch.")) return false;
        String rest = q.substring("torch.".length());
        if (rest.startsWith("cuda.")) rest = rest.substring("cuda.".length());
        if (rest.indexOf('.') >= 0) return false;
        return TORCH_CONSTANTS.contains(rest) || (rest.endsWith("Storage") && rest.chars().allMatch(Character::isLetterOrDigit));
    }

    /** Standard library, torch, numpy, or a package known to run code: calls into it must be known safe. */
    static boolean platform(String module) {
        return StdlibModules.contains(module) || within(module, "torch") || within(module, "numpy")
                || POWERFUL.stream().anyMatch(p -> within(module, p));
    }

    /** TorchScript classes ({@code __torch__.*}) are resolved by the TorchScript runtime, never imported. */
    static boolean torchScriptClass(String module) {
        return within(module, "__torch__");
    }

    private static boolean within(String module, String pkg) {
        return module.equals(pkg) || module.startsWith(pkg + ".");
    }
}
