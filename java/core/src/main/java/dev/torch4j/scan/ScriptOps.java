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
    /**
     * Space between tokens as TorchScript's tokenizer skips it: blanks, newlines (inside brackets) and
     * backslash continuations, so {@code torch . from_file (} is the call it looks like.
     */
    private static final String GAP = "(?:[ \\t\\f\\r\\n]|\\\\\\r?\\n)*";
    private static final String DOT = GAP + "\\." + GAP;
    private static final String ID = "([A-Za-z_][A-Za-z0-9_]*)";
    /** {@code torch.from_file(}, {@code ops.aten.save(}, {@code torch.ops.myns.op(}, {@code eval(}. */
    static final Pattern CALL = Pattern.compile(
            "\\b(?:torch" + DOT + "ops" + DOT + ID + DOT + ID
                    + "|ops" + DOT + ID + DOT + ID
                    + "|torch" + DOT + ID
                    + "|(__import__|exec|eval))" + GAP + "\\(");
    private static final Pattern DEF = Pattern.compile("(?m)^[ \\t]*def[ \\t]+([A-Za-z_][A-Za-z0-9_]*)[ \\t]*\\(");
    /** What a builtin's name may follow and still be a call of the builtin: not an attribute, not a definition. */
    private static final Pattern ATTRIBUTE_OR_DEF = Pattern.compile("(?:\\.|\\bdef)" + GAP + "$");

    /** A string from a mobile operator list, when it names a dangerous or custom operator (else null). */
    static Finding rateOperatorName(String s, String entry, long offset, List<String> chain) {
        Matcher m = OPERATOR.matcher(s);
        if (!m.matches()) return null;
        return rateOp(m.group(1), m.group(2), entry, offset, chain, "in the mobile operator list");
    }

    /**
     * A class a mobile flatbuffer's objects are made of, when it is not a TorchScript class: custom
     * classes ({@code __torch__.torch.classes.NS.*}) of libtorch's own namespaces (XNNPACK's packed
     * contexts, quantized params) pass as they do in a zip's data.pkl; those of other namespaces come
     * from native libraries, and any other name is outside what the lite interpreter resolves by itself
     * (default-deny: reported, never passed).
     */
    static Finding rateMobileClass(String qualifiedName, String entry, List<String> chain) {
        String customPrefix = "__torch__.torch.classes.";
        if (qualifiedName.startsWith(customPrefix)) {
            String rest = qualifiedName.substring(customPrefix.length());
            int dot = rest.indexOf('.');
            if (dot > 0 && BUILTIN_NAMESPACES.contains(rest.substring(0, dot))) return null;
            return new Finding(qualifiedName, Use.INSTANTIATED, Severity.UNKNOWN, entry, -1, chain,
                    "custom class from a native library, in the mobile object types");
        }
        if (Allowlist.torchScriptClass(qualifiedName)) return null;
        return new Finding(qualifiedName, Use.INSTANTIATED, Severity.UNKNOWN, entry, -1, chain,
                "class outside TorchScript's __torch__ namespace, in the mobile object types");
    }

    /** Findings for the operators a TorchScript source file calls, with its method named (offsets are character positions). */
    static List<Finding> scanSource(String source, String entry, List<String> chain) {
        List<Finding> out = new ArrayList<>();
        // Method definitions by position: a call belongs to the last def before it.
        List<int[]> defs = new ArrayList<>();
        List<String> defNames = new ArrayList<>();
        Matcher d = DEF.matcher(source);
        while (d.find()) {
            defs.add(new int[] {d.start()});
            defNames.add(d.group(1));
        }
        // The pattern is tried only where one of its words begins (nextCallStart), and only there:
        // find(from) after a word that starts no call ("x: torch.Tensor") would go on trying every
        // position up to the next match. Transparent, unanchored bounds let the word boundary and
        // the lookbehinds see the text before the region, as find() over the whole source does.
        Matcher c = callMatcher(source);
        int def = -1;
        for (int from = nextCall(c, source, 0); from >= 0; from = nextCall(c, source, c.end())) {
            while (def + 1 < defs.size() && defs.get(def + 1)[0] <= c.start()) def++;
            String method = def < 0 ? null : defNames.get(def);
            String ns;
            String op;
            if (c.group(1) != null) { ns = c.group(1); op = c.group(2); }
            else if (c.group(3) != null) { ns = c.group(3); op = c.group(4); }
            else if (c.group(5) != null) { ns = "aten"; op = c.group(5); }
            else {
                ns = "builtins";
                op = c.group(6);
                // self.eval(), def eval(self): a method of that name, not the builtin.
                String before = source.substring(Math.max(0, c.start() - 64), c.start());
                if (ATTRIBUTE_OR_DEF.matcher(before).find()) continue;
            }
            if (c.start() > 0 && (ns.equals("aten") || c.group(3) != null) && isAttributeTail(source, c.start())) continue;
            String where = method == null ? "in the script" : method.equals("__setstate__")
                    ? "in a scripted __setstate__, which runs at torch.jit.load" : "in scripted method " + method;
            Finding f = ns.equals("builtins")
                    ? new Finding(op, Use.SCRIPT_OP, Severity.DANGEROUS, entry, c.start(), chain,
                            op + " " + where + " (not TorchScript: a forged source)")
                    : rateOp(ns, op, entry, c.start(), chain, where);
            if (f != null) out.add(f);
        }
        return out;
    }

    /** A matcher of {@link #CALL} for {@link #nextCall}. */
    static Matcher callMatcher(String source) {
        return CALL.matcher(source).useTransparentBounds(true).useAnchoringBounds(false);
    }

    /**
     * The start of the next match of {@link #CALL} at or after {@code from} (the matcher then holds
     * it), or -1: the first place a call word begins where the pattern matches.
     */
    static int nextCall(Matcher c, String source, int from) {
        for (int i = nextCallStart(source, from); i >= 0; i = nextCallStart(source, i + 1)) {
            if (c.region(i, source.length()).lookingAt()) return i;
        }
        return -1;
    }

    /**
     * Where a match of {@link #CALL} can next start at or after {@code from}: every alternative begins
     * with one of its literal words, so the pattern (whose word boundary is checked with Unicode
     * character classes at every position it tries) only runs where one begins; -1 when none is left.
     * {@code find(i)} still sees the characters before {@code i} for that boundary, so the matches are
     * those of one {@code find()} loop over the whole source (ScanVerdictTest compares both).
     */
    static int nextCallStart(String source, int from) {
        for (int i = from, n = source.length(); i < n; i++) {
            switch (source.charAt(i)) {
                case 't' -> { if (source.startsWith("torch", i)) return i; }
                case 'o' -> { if (source.startsWith("ops", i)) return i; }
                case 'e' -> { if (source.startsWith("exec", i) || source.startsWith("eval", i)) return i; }
                case '_' -> { if (source.startsWith("__import__", i)) return i; }
                default -> { }
            }
        }
        return -1;
    }

    /** Whether the match is itself an attribute ({@code self.torch.save(}): the character before it, past spaces, is a dot. */
    private static boolean isAttributeTail(String source, int start) {
        int i = start - 1;
        while (i >= 0 && (source.charAt(i) == ' ' || source.charAt(i) == '\t')) i--;
        return i >= 0 && source.charAt(i) == '.';
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
