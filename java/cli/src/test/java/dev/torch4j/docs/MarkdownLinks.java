package dev.torch4j.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of a Markdown text and the anchors its headings get on GitHub, so that a test
 * can say which links lead nowhere. Code (fenced blocks and inline spans) is not searched for links.
 */
final class MarkdownLinks {
    private MarkdownLinks() {}

    /** One link: the line it is on and its target as written ({@code docs/x.md#part}). */
    record Link(int line, String target) {}

    /** {@code [text](target)} and {@code ![alt](target)}; the target ends at a space (a title) or ')'. */
    private static final Pattern INLINE = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** Reference definitions: {@code [name]: target}. */
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    private static final Pattern INLINE_CODE = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");

    /** Every link whose target is relative (no scheme such as https: or mailto:), in order. */
    static List<Link> relativeLinks(String markdown) {
        List<Link> links = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        boolean inFence = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
                inFence = !inFence;
                continue;
            }
            if (inFence) continue;
            String text = INLINE_CODE.matcher(line).replaceAll("");
            List<String> targets = new ArrayList<>();
            Matcher m = INLINE.matcher(text);
            while (m.find()) targets.add(m.group(1));
            Matcher r = REFERENCE.matcher(text);
            if (r.find()) targets.add(r.group(1));
            for (String t : targets) {
                if (!t.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) links.add(new Link(i + 1, t));
            }
        }
        return links;
    }

    /**
     * The anchors GitHub gives the headings of {@code markdown} (and any {@code <a name>}/{@code id}):
     * the heading's text without markup, lower case, with everything but letters, digits, spaces,
     * hyphens and underscores removed and spaces turned into hyphens; a repeated slug gets -1, -2...
     */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
                inFence = !inFence;
                continue;
            }
            if (inFence) continue;
            Matcher a = HTML_ANCHOR.matcher(line);
            while (a.find()) anchors.add(a.group(1).toLowerCase(Locale.ROOT));
            Matcher h = HEADING.matcher(line);
            if (!h.matches()) continue;
            String base = slug(h.group(2));
            int n = seen.merge(base, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? base : base + "-" + n);
        }
        return anchors;
    }

    /** GitHub's slug of one heading's text. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // links keep their text
        text = text.replaceAll("<[^>]+>", "");                                  // inline HTML tags go
        StringBuilder out = new StringBuilder();
        for (int cp : text.toLowerCase(Locale.ROOT).codePoints().toArray()) {
            if (Character.isLetterOrDigit(cp) || cp == '-' || cp == '_') out.appendCodePoint(cp);
            else if (cp == ' ') out.append('-');
        }
        return out.toString();
    }

    /**
     * What is wrong with the relative links of {@code doc} (a file under {@code root}), one line each:
     * a target file or folder that does not exist, or an anchor a Markdown target does not have.
     */
    static List<String> problems(Path root, Path doc) throws java.io.IOException {
        String markdown = Files.readString(doc);
        List<String> problems = new ArrayList<>();
        for (Link link : relativeLinks(markdown)) {
            String target = link.target();
            int hash = target.indexOf('#');
            String file = hash < 0 ? target : target.substring(0, hash);
            String anchor = hash < 0 ? null : target.substring(hash + 1);
            Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(decode(file)).normalize();
            String where = root.relativize(doc) + ":" + link.line() + ": " + target;
            if (!resolved.startsWith(root)) {
                problems.add(where + " leaves the repository");
            } else if (!Files.exists(resolved)) {
                problems.add(where + " does not exist");
            } else if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")
                    && !anchors(Files.readString(resolved)).contains(decode(anchor).toLowerCase(Locale.ROOT))) {
                problems.add(where + ": " + root.relativize(resolved) + " has no heading with anchor #" + anchor);
            }
        }
        return problems;
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
}
