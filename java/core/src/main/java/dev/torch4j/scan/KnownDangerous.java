package dev.torch4j.scan;

import dev.torch4j.pickle.SafetyPolicy;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Globals that are evidence of an attack however a pickle uses them: they run code, touch files,
 * processes or the network, change interpreter state, or load nested data. The loader's denylist
 * ({@link SafetyPolicy}) plus names the scanner met in attacks whose module is otherwise trusted:
 * numpy classes whose constructor or destructor opens, writes or deletes files, torch's data pipes
 * (iterating one calls what it holds; their wrappers unpickle bytes with dill), torch's savers.
 * A name reached through another module ({@code torch.os.system}) is checked by every tail.
 * Nothing here can be allowed by a user's policy.
 */
final class KnownDangerous {
    private KnownDangerous() {}

    /** Modules every global of which is dangerous (submodules included). */
    private static final Set<String> MODULES = Set.of(
            "torch.utils.data.datapipes", "torch.utils.data._utils.worker", "torch.hub", "torch.utils.cpp_extension",
            "torch.utils.file_baton", "torch.package", "torch._dynamo", "torch._inductor", "torch.fx.experimental",
            "torch.distributed.rpc", "torch.testing._internal", "numpy.lib._datasource", "numpy.lib.npyio",
            "numpy.lib.format", "numpy.compat", "sklearn.utils._joblib", "sklearn.externals.joblib.numpy_pickle_utils",
            "six.moves", "future.moves", "future.standard_library", "past.builtins", "attr._make", "attrs._make",
            "test.support", "scipy.io", "pandas.io", "pandas.core.computation", "joblib.numpy_pickle_utils");

    /** Dangerous names in modules that are otherwise fine. */
    private static final Map<String, Set<String>> NAMES = Map.ofEntries(
            Map.entry("numpy", Set.of("memmap", "DataSource", "save", "savez", "savez_compressed", "savetxt", "loadtxt",
                    "genfromtxt", "fromregex", "tofile", "fromfile", "load", "loads", "ctypeslib", "lookfor", "info", "source")),
            Map.entry("numpy.core.memmap", Set.of("memmap")),
            Map.entry("numpy._core.memmap", Set.of("memmap")),
            Map.entry("torch", Set.of("save", "load", "from_file", "compile")),
            Map.entry("torch.serialization", Set.of("save", "load", "_save", "_load", "_legacy_load", "_legacy_save")),
            Map.entry("torch.storage", Set.of("_load_from_bytes")), // only harmless with literal bytes, which PickleRater scans
            Map.entry("torch.jit", Set.of("load", "save", "_load_for_lite_interpreter")),
            Map.entry("torch.fx.graph_module", Set.of("reduce_graph_module", "reduce_package_graph_module",
                    "reduce_deploy_graph_module", "_exec_with_source", "_forward_from_src")),
            Map.entry("torch._utils", Set.of("_import_dotted_name")),
            Map.entry("pandas", Set.of("read_pickle", "read_csv", "read_parquet", "read_hdf", "read_json", "read_excel",
                    "read_sql", "read_table", "read_feather", "read_stata", "read_sas", "read_fwf", "read_html",
                    "read_xml", "read_orc", "read_spss", "read_clipboard", "eval")),
            Map.entry("joblib", Set.of("load", "dump")),
            Map.entry("joblib.numpy_pickle", Set.of("load", "dump", "load_compatibility")),
            Map.entry("typing", Set.of("_eval_type", "get_type_hints", "ForwardRef")),
            Map.entry("typing_extensions", Set.of("_eval_type", "get_type_hints", "ForwardRef", "get_annotations")),
            Map.entry("inspect", Set.of("get_annotations", "getsource")),
            Map.entry("logging.config", Set.of("dictConfig", "fileConfig", "listen")),
            Map.entry("pydoc", Set.of("locate", "pipepager", "tempfilepager")),
            Map.entry("uuid", Set.of("_get_command_stdout", "_popen")),
            Map.entry("codecs", Set.of("open", "EncodedFile")),
            Map.entry("zipfile", Set.of("ZipFile", "PyZipFile")),
            Map.entry("tarfile", Set.of("open", "TarFile")),
            Map.entry("gzip", Set.of("open", "GzipFile")),
            Map.entry("bz2", Set.of("open", "BZ2File")),
            Map.entry("lzma", Set.of("open", "LZMAFile")),
            Map.entry("shelve", Set.of("open", "DbfilenameShelf", "Shelf")),
            Map.entry("dbm", Set.of("open")),
            Map.entry("sqlite3", Set.of("connect")),
            Map.entry("linecache", Set.of("getline", "getlines", "updatecache")),
            Map.entry("dataclasses", Set.of("make_dataclass", "_create_fn")),
            Map.entry("collections", Set.of("namedtuple")),
            Map.entry("enum", Set.of("_EnumDict")),
            Map.entry("mailcap", Set.of("findmatch")),
            Map.entry("scipy.sparse", Set.of("load_npz", "save_npz")),
            Map.entry("sklearn.utils", Set.of("_joblib")));

    /** Why {@code module.name} is evidence of an attack, or null when it is not known to be. */
    static String why(String module, String name) {
        if (SafetyPolicy.DEFAULT.isDangerous(module, name) || listed(module, name)) return reason(module);
        // A dotted name is a chain of getattr calls from the module: torch.serialization + os.system
        // reaches the os module's system. Each object reached is checked by the path that names it.
        String[] parts = name.split("\\.");
        for (int from = 0; from < parts.length - 1; from++) {
            for (int split = from + 1; split < parts.length; split++) {
                String m = (from == 0 ? module + "." : "") + String.join(".", Arrays.copyOfRange(parts, from, split));
                String n = String.join(".", Arrays.copyOfRange(parts, split, parts.length));
                if (SafetyPolicy.DEFAULT.isDangerous(m, n) || listed(m, n)) {
                    return (from == 0 ? "reaches " + m + "." + n : "reaches " + m + "." + n + " through " + module + "."
                            + String.join(".", Arrays.copyOfRange(parts, 0, from))) + ": " + reason(m);
                }
            }
        }
        return null;
    }

    private static String reason(String module) {
        if (module.startsWith("numpy")) return "a numpy object that opens, writes or deletes files, or loads pickles";
        if (module.startsWith("torch.utils.data.datapipes")) return "a data pipe: iterating it calls the functions it holds, and its wrappers unpickle bytes";
        return "runs code, imports modules, touches files, processes or the network, or loads nested data";
    }

    private static boolean listed(String module, String name) {
        for (String m : MODULES) if (Allowlist.within(module, m) || (module + "." + name).equals(m) || (module + "." + name).startsWith(m + ".")) return true;
        Set<String> names = NAMES.get(module);
        if (names == null) return false;
        int dot = name.indexOf('.');
        return names.contains(name) || dot > 0 && names.contains(name.substring(0, dot));
    }
}
