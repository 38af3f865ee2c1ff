package dev.torch4j.scan;

import dev.torch4j.pickle.PickleFlow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The libraries a team trusts beyond the vetted list, as PyTorch's {@code add_safe_globals} does:
 * each name is a module ({@code acme_models}, covering its submodules) or a global
 * ({@code acme_models.nets.TinyNet}). An allowed global is no longer {@code unknown}, but what a
 * pickle gives it is still checked: callables handed to it, BUILD states that set special
 * attributes, nested bytes, and {@link KnownDangerous} names, which no policy can allow.
 *
 * <p>A policy file holds one name a line; {@code #} starts a comment; blank lines are ignored.
 */
public final class ScanPolicy {
    /** Nothing allowed beyond the vetted list. */
    public static final ScanPolicy DEFAULT = new ScanPolicy(Set.of());

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    private final Set<String> allowed;

    private ScanPolicy(Set<String> allowed) {
        this.allowed = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(allowed)); // in the order given
    }

    /** A policy allowing these names (modules or globals, dotted). */
    public static ScanPolicy allowing(List<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            String t = n.strip();
            if (!NAME.matcher(t).matches()) {
                throw new IllegalArgumentException("not a module or global name: '" + n + "' (expected dotted Python names such as acme_models.nets.TinyNet)");
            }
            out.add(t);
        }
        return new ScanPolicy(out);
    }

    /** This policy plus the names of a policy file; errors name the file and line. */
    public ScanPolicy withFile(Path file) throws IOException {
        List<String> names = new ArrayList<>(allowed);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String t = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (t.isEmpty()) continue;
            if (!NAME.matcher(t).matches()) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": not a module or global name: '" + t + "'");
            }
            names.add(t);
        }
        return allowing(names);
    }

    /** This policy plus more names. */
    public ScanPolicy with(List<String> names) {
        List<String> all = new ArrayList<>(allowed);
        all.addAll(names);
        return allowing(all);
    }

    /** The names allowed, in the order given. */
    public Set<String> names() { return allowed; }

    /** Whether the user trusts {@code module.name} (Python 2 spellings mapped to Python 3). */
    boolean allows(String module, String name) {
        if (allowed.isEmpty()) return false;
        String[] n = PickleFlow.py3Name(module, name);
        String q = n[0] + "." + n[1];
        for (String a : allowed) {
            if (q.equals(a) || q.startsWith(a + ".")) return true;
        }
        return false;
    }

    @Override public String toString() { return "ScanPolicy" + allowed; }
}
