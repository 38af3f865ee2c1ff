package dev.torch4j.scan;

import dev.torch4j.pickle.PickleFlow;
import dev.torch4j.pickle.PickleFlow.Global;

import java.util.List;
import java.util.Set;

/**
 * The severity of one global given its strongest use, default-deny: a vetted global
 * ({@link Allowlist}) used as vetted, or one the user's {@link ScanPolicy} allows, gives no
 * finding; evidence of an attack ({@link KnownDangerous}, a computed name, a special attribute
 * reached through a dotted path, a call into platform code that is not vetted) is dangerous;
 * everything else is unknown: loading needs its module and runs its code.
 */
final class Rating {
    private Rating() {}

    /**
     * Builtins that compute a value from their arguments and nothing else: called or handed, they are
     * unknown (not vetted: a file has no need of them), not evidence of an attack.
     */
    private static final Set<String> PURE_BUILTINS = Set.of(
            "builtins.max", "builtins.min", "builtins.abs", "builtins.sum", "builtins.len", "builtins.sorted",
            "builtins.round", "builtins.divmod", "builtins.pow", "builtins.hash", "builtins.repr", "builtins.ascii",
            "builtins.format", "builtins.isinstance", "builtins.issubclass", "builtins.any", "builtins.all",
            "builtins.chr", "builtins.ord", "builtins.bin", "builtins.oct", "builtins.hex", "builtins.reversed",
            "builtins.enumerate", "builtins.zip", "builtins.map", "builtins.filter", "builtins.iter", "builtins.next",
            "math.sqrt", "math.exp", "math.log", "math.floor", "math.ceil", "math.pow", "math.isclose", "math.prod",
            "operator.add", "operator.mul", "operator.sub", "operator.truediv", "operator.neg", "operator.eq");

    /** The finding for a global used as {@code use}, or null when it is safe. */
    static Finding rate(Global g, Use use, String entry, List<String> chain, ScanPolicy policy) {
        String[] n = PickleFlow.py3Name(g.module(), g.name());
        String module = n[0];
        String name = n[1];
        String q = module + "." + name;
        String verdict = reason(module, name, q, use, policy);
        if (verdict == null) return null;
        Severity severity = verdict.startsWith("!") ? Severity.DANGEROUS : Severity.UNKNOWN;
        return new Finding(q, use, severity, entry, g.offset(), chain, verdict.substring(1));
    }

    /** Null when safe; else the reason, prefixed by '!' when dangerous and '?' when unknown. */
    private static String reason(String module, String name, String q, Use use, ScanPolicy policy) {
        if (module.equals("?") || name.equals("?") || module.isEmpty() || name.isEmpty()) {
            return "!a global whose module or name is computed inside the pickle (or an extension code)";
        }
        if (Allowlist.torchScriptClass(module)) return null;
        if (Allowlist.permits(q, use)) return null;
        String evidence = KnownDangerous.why(module, name);
        if (evidence != null) return "!" + evidence;
        boolean dotted = name.contains(".");
        if (dotted) {
            for (String part : name.split("\\.")) {
                if (part.startsWith("__")) return "!reaches the special attribute " + part + " through the dotted name " + name;
            }
        }
        if (policy.allows(module, name)) return null;
        boolean platform = Allowlist.platform(module);
        String needs = "loading needs " + module + " and runs its code";
        switch (use) {
            case CALLED -> {
                if (PURE_BUILTINS.contains(q)) return "?calls " + q + ", which is not on the vetted list (it computes a value, but a weights file has no need of it)";
                if (Allowlist.vetted(q)) return "!calls " + q + ", which is vetted only as " + (Allowlist.permit(q) == Allowlist.Permit.NEW ? "a class to instantiate" : "a value");
                if (platform && !(Allowlist.torchModelPackage(module) && !dotted && Character.isUpperCase(name.charAt(0)))) {
                    return "!calls " + kind(module) + " code that is not on the vetted list" + (dotted ? " (through the attribute path " + name + ")" : "");
                }
                String last = name.substring(name.lastIndexOf('.') + 1);
                if (dotted && !last.isEmpty() && !Character.isUpperCase(last.charAt(0))) {
                    return "!calls the method " + name + " of a class of " + module;
                }
                return "?calls " + q + ": " + needs;
            }
            case INSTANTIATED -> {
                if (platform && !Allowlist.torchModelPackage(module) && !Allowlist.within(module, "numpy")
                        && !Allowlist.within(module, "collections")) {
                    return "!instantiates " + kind(module) + " class " + q + " that is not on the vetted list"
                            + (dotted ? " (through an attribute path)" : "");
                }
                return "?instantiates " + q + ": " + needs + " (its __setstate__)";
            }
            case HANDED -> {
                if (PURE_BUILTINS.contains(q)) return "?" + q + " is handed to a callable that may call it: not on the vetted list";
                boolean function = dotted || !Character.isUpperCase(name.charAt(0));
                if (StdlibModules.contains(module) && function || Allowlist.powerful(module)) {
                    return "!" + kind(module) + " function " + q + " is handed to a callable that may call it with arguments the pickle chose";
                }
                return "?" + q + " is handed to a callable that may call it: " + needs;
            }
            default -> {
                return "?references " + q + ": " + needs;
            }
        }
    }

    private static String kind(String module) {
        if (module.equals("torch") || module.startsWith("torch.")) return "torch";
        if (module.equals("numpy") || module.startsWith("numpy.")) return "numpy";
        if (StdlibModules.contains(module)) return "standard-library";
        return "code-running third-party";
    }
}
