package dev.torch4j.scan;

import dev.torch4j.pickle.PickleFlow;
import dev.torch4j.pickle.PickleFlow.Global;

import java.util.List;

/**
 * The severity of one global given its strongest use. Known-safe globals give no finding; calls
 * into platform code (standard library, torch, numpy) that is not known safe are dangerous,
 * whatever their name; third-party classes are unknown; names the pickle computes are dangerous.
 */
final class Rating {
    private Rating() {}

    /** The finding for a global used as {@code use}, or null when it is safe. */
    static Finding rate(Global g, Use use, String entry, List<String> chain) {
        String[] n = PickleFlow.py3Name(g.module(), g.name());
        String module = n[0];
        String name = n[1];
        String q = module + "." + name;
        String verdict = reason(module, name, q, use);
        if (verdict == null) return null;
        Severity severity = verdict.startsWith("!") ? Severity.DANGEROUS : Severity.UNKNOWN;
        return new Finding(q, use, severity, entry, g.offset(), chain, verdict.substring(1));
    }

    /** Null when safe; else the reason, prefixed by '!' when dangerous and '?' when unknown. */
    private static String reason(String module, String name, String q, Use use) {
        if (module.equals("?") || name.equals("?") || module.isEmpty() || name.isEmpty()) {
            return "!a global whose module or name is computed inside the pickle (or an extension code)";
        }
        if (Allowlist.torchScriptClass(module)) return null;
        boolean dotted = name.contains(".");
        boolean platform = Allowlist.platform(module);
        switch (use) {
            case CALLED -> {
                if (!dotted && Allowlist.safeCall(q)) return null;
                // Constructing a module, optimizer or container class (functools.partial(torch.optim.Adam, lr=...)).
                if (!dotted && Character.isUpperCase(name.charAt(0)) && Allowlist.instantiable(module, name)) return null;
                if (platform) {
                    return "!calls " + kind(module) + " code that is not known safe" + (dotted ? " (through the attribute path " + name + ")" : "");
                }
                String last = name.substring(name.lastIndexOf('.') + 1);
                if (dotted && !last.isEmpty() && !Character.isUpperCase(last.charAt(0))) {
                    return "!calls the method " + name + " of a third-party class";
                }
                return "?calls third-party code (" + module + "): loading needs that package and runs it";
            }
            case INSTANTIATED -> {
                if (Allowlist.instantiable(module, name) || !dotted && Allowlist.instantiatedOnly(q)) return null;
                if (platform) return "!instantiates " + kind(module) + " class that is not known safe" + (dotted ? " (through an attribute path)" : "");
                return "?instantiates a third-party class: loading needs " + module + " and runs its __setstate__";
            }
            default -> {
                if (PickleRater.denylisted(module, name)) {
                    return "!references a function that runs code, touches files or loads pickles";
                }
                if (platform || Allowlist.safeCall(q)) return null;
                return "?references a third-party global: loading needs " + module;
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
