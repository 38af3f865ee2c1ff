package dev.torch4j.scan;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vetted globals: the only ones a {@code clean} file may hold. The list starts from PyTorch's
 * weights-only unpickler ({@code torch/_weights_only_unpickler.py}: tensor and storage rebuilders,
 * dtypes, {@code OrderedDict}, {@code Counter}, {@code set}, {@code complex}, {@code bytearray},
 * {@code _codecs.encode}), adds what numpy and joblib need to rebuild arrays, and a few plain data
 * types of the standard library. Each entry says why it is inert: nothing in its {@code __new__},
 * {@code __init__}, {@code __setstate__} or {@code __del__} touches files, processes, the network or
 * interpreter state, it calls no argument (or the argument it calls is checked by
 * {@link PickleRater} as called), and setting its attributes cannot change its type (BUILD states
 * that set special attributes are checked separately).
 *
 * <p>Everything else is {@code unknown} unless {@link KnownDangerous} has evidence against it. Which
 * code counts as "platform" code (the standard library, torch, numpy, packages known to run code)
 * decides whether an unvetted <em>call</em> is dangerous or merely unknown.
 */
final class Allowlist {
    private Allowlist() {}

    /** How a vetted global may be used. */
    enum Permit {
        /** Only as a value (dtypes, layouts, classes handed to a rebuilder). */
        VALUE,
        /** Instantiated (NEWOBJ then BUILD with its attribute dict) or referenced, never called. */
        NEW,
        /** Called, instantiated or referenced. */
        CALL
    }

    private record Vetted(Permit permit, String why) {}

    private static final Map<String, Vetted> VETTED = new HashMap<>();

    private static void call(String why, String... names) { put(Permit.CALL, why, names); }

    private static void instance(String why, String... names) { put(Permit.NEW, why, names); }

    private static void value(String why, String... names) { put(Permit.VALUE, why, names); }

    private static void put(Permit p, String why, String... names) {
        for (String n : names) VETTED.put(n, new Vetted(p, why));
    }

    static {
        // ---- PyTorch's weights-only set
        call("builds a tensor view over a storage the loader already holds (no I/O; hooks are stored, not run)",
                "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
                "torch._utils._rebuild_qtensor", "torch._utils._rebuild_sparse_tensor",
                "torch._utils._rebuild_sparse_csr_tensor", "torch._utils._rebuild_sparse_compressed_tensor",
                "torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_nested_tensor",
                "torch._utils._rebuild_device_tensor_from_numpy", "torch._utils._rebuild_device_tensor_from_cpu_tensor",
                "torch._utils._rebuild_mlc_tensor", "torch._utils._rebuild_xla_tensor");
        call("wraps a rebuilt tensor as a Parameter; its state dict is set attribute by attribute (special keys are checked)",
                "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state");
        call("calls its first argument (rated as called) and makes the result an instance of its second (rated as instantiated)",
                "torch._tensor._rebuild_from_type_v2", "torch._utils._rebuild_from_type_v2", "torch._tensor._rebuild_from_type");
        call("creates an empty tensor of a class given as argument (rated as instantiated)", "torch._utils._rebuild_wrapper_subclass");
        call("a storage object: memory only; the loader fills it from the archive's data records",
                "torch.storage._TypedStorage", "torch.storage.TypedStorage", "torch.storage.UntypedStorage",
                "torch.storage._UntypedStorage", "torch.UntypedStorage", "torch.TypedStorage");
        call("plain value types of torch (a device name, a shape tuple, an empty tensor)",
                "torch.device", "torch.Size", "torch.Tensor", "torch._tensor.Tensor", "torch.finfo", "torch.iinfo");
        call("a Parameter wraps a tensor; no code of the file runs",
                "torch.nn.parameter.Parameter", "torch.nn.parameter.UninitializedParameter",
                "torch.nn.parameter.UninitializedBuffer", "torch.nn.parameter.Buffer");
        call("TorchScript's list and tensor-table builders: make a list of the values given",
                "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_tensorlist",
                "torch.jit._pickle.build_doublelist", "torch.jit._pickle.build_boollist",
                "torch.jit._pickle.build_complexlist", "torch.jit._pickle.build_tensor_from_id",
                "torch.jit._pickle.restore_type_tag");
        call("maps a layout name to the torch.layout constant", "torch.serialization._get_layout");
        call("pre-1.0 torch.save stored a module's THNN backend as this call: it returns the backend singleton",
                "torch.nn.backends.thnn._get_thnn_function_backend");
        call("collections' containers: store what they are given (defaultdict stores its factory; a factory is rated where it is passed)",
                "collections.OrderedDict", "collections.Counter", "collections.defaultdict", "collections.deque",
                "collections.ChainMap", "_collections.OrderedDict", "_collections.defaultdict", "_collections.deque");
        call("builtin data types: construct a value from the arguments, nothing else",
                "builtins.set", "builtins.frozenset", "builtins.slice", "builtins.complex", "builtins.bytearray",
                "builtins.bytes", "builtins.list", "builtins.dict", "builtins.tuple", "builtins.int", "builtins.float",
                "builtins.str", "builtins.bool", "builtins.range", "builtins.object");
        call("makes bytes from text with a codec of the standard registry (how protocol 2 pickles bytes)",
                "_codecs.encode", "codecs.encode");
        call("copyreg's object builders: create an instance of the class given (rated as instantiated) and call the base given (rated as called)",
                "copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__");
        call("an in-memory byte buffer", "io.BytesIO", "_io.BytesIO");
        // ---- plain data types of the standard library (state dicts of training scripts carry them)
        call("value types: constructors store their arguments, no I/O",
                "argparse.Namespace", "types.SimpleNamespace", "datetime.datetime", "datetime.date", "datetime.time",
                "datetime.timedelta", "datetime.timezone", "decimal.Decimal", "fractions.Fraction", "uuid.UUID",
                "array.array", "array._array_reconstructor");
        call("path objects: constructing one reads or writes nothing (methods that do are never called by a pickle without a finding)",
                "pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.PurePath",
                "pathlib.PurePosixPath", "pathlib.PureWindowsPath");
        call("compiles a regular expression (no matching happens at load)", "re._compile");
        // ---- numpy's array reconstruction (what numpy.ndarray.__reduce__ and numpy scalars pickle to)
        call("creates an empty array of the class given (rated as instantiated); BUILD then copies the bytes in",
                "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct");
        call("makes a numpy scalar from a dtype and its bytes",
                "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar");
        call("an array over bytes held in the pickle", "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer");
        call("a dtype from its descriptor string; its BUILD state is plain numbers and names", "numpy.dtype");
        instance("an array; BUILD copies the pickled bytes (its __setstate__ does no I/O)",
                "numpy.ndarray", "numpy.core.records.recarray", "numpy.recarray", "numpy.ma.core.MaskedArray");
        call("rebuilds a masked array from the classes given (rated as instantiated)", "numpy.ma.core._mareconstruct");
        call("numpy.random's pickle constructors: look a bit generator up by name in numpy's own table (a callable argument is rated as called)",
                "numpy.random._pickle.__randomstate_ctor", "numpy.random._pickle.__generator_ctor",
                "numpy.random._pickle.__bit_generator_ctor");
        instance("random generator state objects: BUILD sets their numbers",
                "numpy.random.mtrand.RandomState", "numpy.random._generator.Generator",
                "numpy.random._mt19937.MT19937", "numpy.random._pcg64.PCG64", "numpy.random._pcg64.PCG64DXSM",
                "numpy.random._philox.Philox", "numpy.random._sfc64.SFC64", "numpy.random.bit_generator.SeedSequence");
        for (String t : List.of("bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16",
                "float32", "float64", "longdouble", "complex64", "complex128", "clongdouble", "str_", "bytes_", "void",
                "object_", "datetime64", "timedelta64", "intc", "uintc", "int_", "uint", "longlong", "ulonglong",
                "half", "single", "double", "csingle", "cdouble")) {
            instance("a numpy scalar type (a class used as a dtype)", "numpy." + t);
        }
        // ---- joblib: NEWOBJ then BUILD with a plain attribute dict; joblib.load then reads the array bytes that follow
        instance("joblib's array wrapper: records shape, dtype and order; the array bytes after it are read as joblib reads them",
                "joblib.numpy_pickle.NumpyArrayWrapper", "joblib.numpy_pickle_compat.NDArrayWrapper",
                "joblib.numpy_pickle_compat.ZNDArrayWrapper",
                "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
                "sklearn.externals.joblib.numpy_pickle_compat.NDArrayWrapper",
                "sklearn.externals.joblib.numpy_pickle_compat.ZNDArrayWrapper");
    }

    /** Torch types that are data whatever is done with them: dtypes, layouts, memory formats, qschemes. */
    private static final Set<String> TORCH_CONSTANTS = Set.of(
            "float32", "float", "float64", "double", "float16", "half", "bfloat16", "complex32", "chalf",
            "complex64", "cfloat", "complex128", "cdouble", "uint8", "int8", "int16", "short", "int32", "int",
            "int64", "long", "bool", "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "float8_e4m3fn",
            "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "uint1", "uint2", "uint3", "uint4", "uint5",
            "uint6", "uint7", "uint16", "uint32", "uint64", "int1", "int2", "int3", "int4", "int5", "int6", "int7",
            "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn", "jagged",
            "contiguous_format", "channels_last", "channels_last_3d", "preserve_format",
            "per_tensor_affine", "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
            "per_channel_affine_float_qparams", "dtype", "layout", "memory_format", "qscheme");

    /** How {@code qualifiedName} may be used, or null when it is not vetted. */
    static Permit permit(String qualifiedName) {
        Vetted v = VETTED.get(qualifiedName);
        if (v != null) return v.permit();
        return isTorchConstantOrStorage(qualifiedName) ? Permit.CALL : null;
    }

    /** Why the global is vetted (for documentation and messages), or null. */
    static String why(String qualifiedName) {
        Vetted v = VETTED.get(qualifiedName);
        if (v != null) return v.why();
        return isTorchConstantOrStorage(qualifiedName) ? "a torch dtype, layout, storage or tensor type: a constant" : null;
    }

    /** Whether the global may be used as {@code use} without a finding. */
    static boolean permits(String qualifiedName, Use use) {
        Permit p = permit(qualifiedName);
        if (p == null) return false;
        return switch (use) {
            case CALLED -> p == Permit.CALL;
            case INSTANTIATED -> p != Permit.VALUE;
            default -> true;
        };
    }

    /** Whether the global is vetted for any use (a value handed to a vetted rebuilder). */
    static boolean vetted(String qualifiedName) {
        return permit(qualifiedName) != null;
    }

    /** {@code torch.float32}, {@code torch.FloatStorage}, {@code torch.cuda.HalfStorage}, {@code torch.FloatTensor}... */
    static boolean isTorchConstantOrStorage(String q) {
        if (!q.startsWith("torch.")) return false;
        String rest = q.substring("torch.".length());
        if (rest.startsWith("cuda.")) rest = rest.substring("cuda.".length());
        if (rest.indexOf('.') >= 0) return false;
        return TORCH_CONSTANTS.contains(rest) || ((rest.endsWith("Storage") || rest.endsWith("Tensor") && rest.length() > 6)
                && rest.chars().allMatch(Character::isLetterOrDigit) && Character.isUpperCase(rest.charAt(0)));
    }

    /**
     * Packages whose classes whole pickled models instantiate: not vetted (their {@code __setstate__}
     * is library code), but torch's own, so instantiating one is {@code unknown}, not dangerous.
     */
    private static final List<String> TORCH_MODEL_PACKAGES = List.of(
            "torch.nn", "torch.optim", "torch.ao.nn", "torch.ao.quantization", "torch.quantization",
            "torch.distributions", "torch.cuda.amp", "torch.amp", "torch.nn.utils", "torch.nn.quantized",
            "torch.nn.intrinsic", "torch.nn.qat", "torch.utils.data", "torch.jit", "torch._C");

    /** Whole-model packages of torch (see {@link #TORCH_MODEL_PACKAGES}). */
    static boolean torchModelPackage(String module) {
        for (String p : TORCH_MODEL_PACKAGES) if (within(module, p)) return true;
        return false;
    }

    /** Third-party packages that exist to run code, load pickles, import modules or reach the network. */
    private static final List<String> POWERFUL = List.of(
            "dill", "cloudpickle", "joblib", "yaml", "pip", "setuptools", "pkg_resources", "IPython", "jinja2",
            "pandas.io", "pandas.core.computation",
            "numexpr", "sympy", "fire", "invoke", "fabric", "paramiko", "requests", "urllib3", "httpx",
            "boto3", "botocore", "keras", "tensorflow", "h5py", "sklearn.externals", "sklearn.utils._joblib",
            "sklearn.datasets", "transformers.dynamic_module_utils", "huggingface_hub", "mlflow", "wandb", "_pytest",
            "pytest", "nose", "Cython", "pyximport", "cffi", "psutil", "sh", "plumbum", "pexpect", "docker", "git",
            "torchvision.io", "torchaudio", "six.moves", "future.moves", "future.utils", "future.standard_library",
            "past", "attr._make", "attrs._make", "typing_extensions", "test", "scipy.io", "scipy.weave",
            "scipy._lib._testutils", "matplotlib.pyplot", "PIL.Image", "imageio", "lxml", "gi", "dbus");

    /** Standard library, torch, numpy, or a package known to run code: calls into it must be vetted. */
    static boolean platform(String module) {
        return StdlibModules.contains(module) || within(module, "torch") || within(module, "numpy")
                || powerful(module);
    }

    /** Third-party packages known to run code or reach files (listed in {@link #POWERFUL}). */
    static boolean powerful(String module) {
        return POWERFUL.stream().anyMatch(p -> within(module, p));
    }

    /** TorchScript classes ({@code __torch__.*}) are resolved by the TorchScript runtime, never imported. */
    static boolean torchScriptClass(String module) {
        return within(module, "__torch__");
    }

    static boolean within(String module, String pkg) {
        return module.equals(pkg) || module.startsWith(pkg + ".");
    }
}
