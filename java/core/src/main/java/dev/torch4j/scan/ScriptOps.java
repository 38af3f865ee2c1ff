package dev.torch4j.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TorchScript runs the code stored in an archive's {@code code/} folder (and the operator list of a
 * mobile {@code bytecode.pkl}) at {@code torch.jit.load}: a scripted {@code __setstate__} runs as the
 * file is opened. Python cannot be reached from TorchScript, but some operators touch the file
 * system or the network, and custom operators come from native libraries: those are reported.
 */
final class ScriptOps {
    private ScriptOps() {}

    /** Operators (any of torch/aten/prim) that read or write files, or talk to other processes. */
    private static final Set<String> DANGEROUS_OPS = Set.of(
            "from_file", "save", "load", "_save_for_mobile", "_load_for_mobile", "_save_parameters",
            "_load_parameters", "_jit_load", "rpc_async", "rpc_sync", "rpc_remote", "remote", "to_here",
            "_pickle_save", "_pickle_load_obj", "_backport_for_mobile", "system", "popen", "__import__");
    /** Namespaces of operators that do networking or process groups. */
    private static final Set<String> DANGEROUS_NAMESPACES = Set.of("c10d", "dist_c10d", "dist_autograd", "dist_rpc",
            "rpc", "_dist", "profiler_file");
    /** Namespaces of operators built into libtorch. */
    private static final Set<String> BUILTIN_NAMESPACES = Set.of("aten", "prim", "quantized", "_quantized", "prepacked",
            "_caffe2", "profiler", "vulkan_prepack", "mkldnn_prepacked", "quantized_decomposed", "_test", "mkldnn",
            "cuda", "uninitialized", "onnx", "xnnpack", "_nnapi", "metal_prepack", "metal", "fbgemm", "sparse",
            "torchvision", "image", "torchaudio", "_ops", "__torch__", "ops", "fb", "cpu", "static_runtime",
            "inductor", "quant", "aten_pytorch", "attr", "scope", "namespaces", "upgraders", "classes");

    private static final Pattern OPERATOR = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)::([A-Za-z_][A-Za-z0-9_]*)(\\.[A-Za-z0-9_]+)?$");
    /** {@code torch.from_file(}, {@code ops.aten.save(}, {@code torch.ops.myns.op(}. */
    private static final Pattern CALL = Pattern.compile(
            "\\b(?:torch\\.ops\\.([A-Za-z_][A-Za-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_]*)"
                    + "|ops\\.([A-Za-z_][A-Za-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_]*)"
                    + "|torch\\.([A-Za-z_][A-Za-z0-9_]*)"
                    + "|(?<![.\\w])(__import__|exec|eval))\\s*\\(");
    private static final Pattern DEF = Pattern.compile("^(\\s*)def\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");
    /**
     * Every {@link #CALL} match begins with one of these. Most lines of generated TorchScript have none
     * (d2go: 1,400 of 8,400), and a substring search rules them out far cheaper than the pattern.
     */
    private static final String[] CALL_STARTS = {"torch.", "ops.", "__import__", "exec", "eval"};

    /** A string from a mobile operator list, when it names a dangerous or custom operator (else null). */
    static Finding rateOperatorName(String s, String entry, long offset, List<String> chain) {
        Matcher m = OPERATOR.matcher(s);
        if (!m.matches()) return null;
        return rateOp(m.group(1), m.group(2), entry, offset, chain, "in the mobile operator list");
    }

    /** Findings for the operators a TorchScript source file calls, with its method named (offsets are character positions). */
    static List<Finding> scanSource(String source, String entry, List<String> chain) {
        List<Finding> out = new ArrayList<>();
        String method = null;
        int lineStart = 0;
        for (String line : source.split("\n", -1)) {
            if (line.contains("def")) {
                Matcher d = DEF.matcher(line);
                if (d.find()) method = d.group(2);
            }
            Matcher c = mayCall(line) ? CALL.matcher(line) : null;
            while (c != null && c.find()) {
                String ns;
                String op;
                if (c.group(1) != null) { ns = c.group(1); op = c.group(2); }
                else if (c.group(3) != null) { ns = c.group(3); op = c.group(4); }
                else if (c.group(5) != null) { ns = "aten"; op = c.group(5); }
                else { ns = "builtins"; op = c.group(6); }
                String where = method == null ? "in the script" : method.equals("__setstate__")
                        ? "in a scripted __setstate__, which runs at torch.jit.load" : "in scripted method " + method;
                Finding f = ns.equals("builtins")
                        ? new Finding(op, Use.SCRIPT_OP, Severity.DANGEROUS, entry, lineStart + c.start(), chain,
                                op + " " + where + " (not TorchScript: a forged source)")
                        : rateOp(ns, op, entry, lineStart + c.start(), chain, where);
                if (f != null) out.add(f);
            }
            lineStart += line.length() + 1;
        }
        return out;
    }

    private static boolean mayCall(String line) {
        for (String start : CALL_STARTS) {
            if (line.contains(start)) return true;
        }
        return false;
    }

    private static Finding rateOp(String ns, String op, String entry, long offset, List<String> chain, String where) {
        String name = ns + "::" + op;
        if (DANGEROUS_NAMESPACES.contains(ns) || ((ns.equals("aten") || ns.equals("prim") || ns.equals("torch")) && DANGEROUS_OPS.contains(op))) {
            return new Finding(name, Use.SCRIPT_OP, Severity.DANGEROUS, entry, offset, chain,
                    "operator that touches files, processes or the network, " + where);
        }
        if (!BUILTIN_NAMESPACES.contains(ns) && !ns.equals("torch")) {
            return new Finding(name, Use.SCRIPT_OP, Severity.UNKNOWN, entry, offset, chain,
                    "custom operator from a native library, " + where);
        }
        return null;
    }
}
