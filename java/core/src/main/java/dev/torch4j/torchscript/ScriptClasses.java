package dev.torch4j.torchscript;

import dev.torch4j.zip.ZipArchive;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.python.PyGlobal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What TorchScript's serialized source says about a class: whether it is a Module and which of
 * its attributes are parameters and buffers ({@code __parameters__ = ["weight", "bias", ]}).
 * data.pkl alone cannot tell a parameter from a plain tensor attribute; PyTorch's state_dict can.
 * Source files are inflated lazily, one per Python module, the first time a class in it is asked for.
 */
public final class ScriptClasses {
    /** A class's declared members. */
    public record ClassInfo(boolean module, Set<String> parameters, Set<String> buffers) {}

    private static final Pattern CLASS = Pattern.compile("^class\\s+(\\w+)\\((\\w*)\\):", Pattern.MULTILINE);
    private static final Pattern MEMBERS = Pattern.compile("^\\s+(__parameters__|__buffers__)\\s*=\\s*\\[([^\\]]*)\\]",
            Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("\"([^\"]*)\"|'([^']*)'");
    private static final int MAX_SOURCE = 64 << 20;

    private final ZipArchive zip;
    private final String codePrefix;
    /** Sources by Python module name, for files that keep them outside a zip (a flatbuffer .ptl); else null. */
    private final Map<String, String> sources;
    private final Map<String, Map<String, ClassInfo>> byFile = new HashMap<>();

    public ScriptClasses(ZipArchive zip, String codePrefix) {
        this.zip = zip;
        this.codePrefix = codePrefix;
        this.sources = null;
    }

    private ScriptClasses(Map<String, String> sources) {
        this.zip = null;
        this.codePrefix = null;
        this.sources = sources;
    }

    /** Classes declared in sources given by Python module name ({@code __torch__.torch.nn.modules.linear}). */
    public static ScriptClasses ofSources(Map<String, String> byModule) {
        return new ScriptClasses(Map.copyOf(byModule));
    }

    /** The class behind a {@code __torch__.*} global, or null when its source is not in the archive. */
    public ClassInfo lookup(PyGlobal type) {
        if (!type.module().startsWith("__torch__")) return null;
        if (sources != null) {
            String source = sources.get(type.module());
            if (source == null) return null;
            // get/put, not computeIfAbsent with a lambda: a short command's first lambda initialises
            // java.lang.invoke (several ms of a 0.2 s inspect); see docs/building.md.
            Map<String, ClassInfo> classes = byFile.get(type.module());
            if (classes == null) {
                classes = parseSource(source);
                byFile.put(type.module(), classes);
            }
            return classes.get(type.name());
        }
        String file = codePrefix + type.module().replace('.', '/') + ".py";
        Map<String, ClassInfo> classes = byFile.get(file);
        if (classes == null) {
            classes = parse(file);
            byFile.put(file, classes);
        }
        return classes.get(type.name());
    }

    private Map<String, ClassInfo> parse(String file) {
        if (!zip.contains(file)) return Map.of();
        String source;
        try {
            ByteRegion r = zip.read(file);
            if (r.size() > MAX_SOURCE) return Map.of();
            byte[] b = new byte[(int) r.size()];
            r.copyTo(0, b, 0, b.length);
            source = new String(b, StandardCharsets.UTF_8);
        } catch (TorchFileException | RuntimeException e) {
            return Map.of(); // the source only refines tensor names; unreadable source falls back to all attributes
        }
        return parseSource(source);
    }

    private static Map<String, ClassInfo> parseSource(String source) {
        if (source.length() > MAX_SOURCE) return Map.of();
        Map<String, ClassInfo> out = new HashMap<>();
        Matcher m = CLASS.matcher(source);
        List<int[]> spans = new ArrayList<>();
        List<String[]> heads = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
            heads.add(new String[] {m.group(1), m.group(2)});
        }
        for (int i = 0; i < spans.size(); i++) {
            int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : source.length();
            String body = source.substring(spans.get(i)[1], end);
            Set<String> params = new LinkedHashSet<>();
            Set<String> buffers = new LinkedHashSet<>();
            Matcher mm = MEMBERS.matcher(body);
            while (mm.find()) {
                Set<String> into = mm.group(1).equals("__parameters__") ? params : buffers;
                Matcher nm = NAME.matcher(mm.group(2));
                while (nm.find()) into.add(nm.group(1) != null ? nm.group(1) : nm.group(2));
            }
            out.put(heads.get(i)[0], new ClassInfo("Module".equals(heads.get(i)[1]), params, buffers));
        }
        return out;
    }
}
