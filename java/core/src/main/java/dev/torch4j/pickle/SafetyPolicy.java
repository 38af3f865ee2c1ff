package dev.torch4j.pickle;

import java.util.Map;
import java.util.Set;

/**
 * Which pickle globals could run code, touch files or the network, or load another pickle: a
 * denylist in the spirit of picklescan and fickling. Everything else is safe to reference because
 * torch4j never imports or calls it: it becomes an inert placeholder, so the list only decides
 * whether a file is refused. Names are checked in both their Python 2 and Python 3 spellings, and a
 * whole-module entry also covers its submodules ({@code os} covers {@code os.path}).
 */
public final class SafetyPolicy {
    /** Modules where every global is dangerous. */
    private static final Set<String> MODULES = Set.of(
            "os", "posix", "nt", "subprocess", "commands", "sys", "shutil", "socket", "_socket", "ssl", "runpy",
            "importlib", "imp", "zipimport", "marshal", "pty", "ctypes", "_ctypes", "code", "codeop", "pdb", "bdb",
            "timeit", "multiprocessing", "_multiprocessing", "_posixsubprocess", "webbrowser", "platform",
            "asyncio", "urllib", "urllib2", "http.client", "httplib", "ftplib", "smtplib", "telnetlib", "poplib",
            "imaplib", "nntplib", "xmlrpc", "requests", "aiohttp", "pip", "ensurepip", "venv", "distutils",
            "setuptools", "pydoc", "idlelib", "lib2to3", "pickle", "_pickle", "cPickle", "dill", "cloudpickle",
            "numpy.f2py", "numpy.testing._private.utils", "numpy.distutils", "torch.utils.collect_env",
            "torch.utils.bottleneck", "_thread", "thread", "signal", "tempfile", "glob", "fileinput");

    /** Dangerous names inside otherwise harmless modules (a dotted name is checked by its first part). */
    private static final Map<String, Set<String>> NAMES = Map.ofEntries(
            Map.entry("builtins", Set.of("eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr",
                    "open", "input", "breakpoint", "globals", "locals", "vars", "execfile", "apply", "reload",
                    "file", "help", "exit", "quit", "__loader__",
                    "__spec__", "__build_class__", "raw_input")),
            Map.entry("__builtin__", Set.of("eval", "exec", "compile", "__import__", "getattr", "setattr",
                    "delattr", "open", "input", "breakpoint", "globals", "locals", "vars", "execfile", "apply",
                    "reload", "file", "raw_input", "reduce", "intern")),
            Map.entry("io", Set.of("open", "open_code", "FileIO")),
            Map.entry("_io", Set.of("open", "open_code", "FileIO")),
            Map.entry("operator", Set.of("attrgetter", "methodcaller", "itemgetter", "call")),
            Map.entry("_operator", Set.of("attrgetter", "methodcaller", "itemgetter", "call")),
            Map.entry("functools", Set.of("partial", "reduce", "partialmethod")),
            Map.entry("_functools", Set.of("partial", "reduce")),
            Map.entry("types", Set.of("FunctionType", "CodeType", "LambdaType", "MethodType", "ModuleType")),
            Map.entry("copyreg", Set.of("add_extension")),
            Map.entry("torch", Set.of("load")),
            Map.entry("torch.hub", Set.of("load", "load_state_dict_from_url", "download_url_to_file")),
            Map.entry("torch.serialization", Set.of("load")),
            Map.entry("torch.jit", Set.of("load")),
            Map.entry("torch._inductor.codecache", Set.of("compile_file")),
            Map.entry("torch.jit.unsupported_tensor_ops", Set.of("execWrapper")),
            Map.entry("torch._dynamo.guards", Set.of("GuardBuilder")),
            Map.entry("torch.fx.experimental.symbolic_shapes", Set.of("ShapeEnv")),
            Map.entry("torch.utils._config_module", Set.of("ConfigModule")),
            Map.entry("torch.utils.data.datapipes.utils.decoder", Set.of("basichandlers")),
            Map.entry("numpy", Set.of("load", "loads", "fromfile", "memmap")),
            Map.entry("numpy.lib.npyio", Set.of("load")),
            Map.entry("numpy.ctypeslib", Set.of("load_library")),
            Map.entry("pandas", Set.of("read_pickle")),
            Map.entry("joblib", Set.of("load")),
            Map.entry("pandas.io.pickle", Set.of("read_pickle")),
            Map.entry("cProfile", Set.of("run", "runctx")),
            Map.entry("profile", Set.of("run", "runctx", "Profile")),
            Map.entry("trace", Set.of("Trace")),
            Map.entry("doctest", Set.of("debug_script", "debug_src", "run_docstring_examples")));

    public static final SafetyPolicy DEFAULT = new SafetyPolicy();

    private SafetyPolicy() {}

    /** True when {@code module.name} (in either spelling) is on the denylist. */
    public boolean isDangerous(String module, String name) {
        if (denied(module, name)) return true;
        String[] py3 = Py2Names.map(module, name);
        return denied(py3[0], py3[1]);
    }

    private static boolean denied(String module, String name) {
        for (String m = module; ; ) {
            if (MODULES.contains(m)) return true;
            int dot = m.lastIndexOf('.');
            if (dot < 0) break;
            m = m.substring(0, dot);
        }
        Set<String> names = NAMES.get(module);
        if (names == null) return false;
        int dot = name.indexOf('.');
        return names.contains(name) || (dot > 0 && names.contains(name.substring(0, dot)));
    }
}
