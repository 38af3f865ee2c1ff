package dev.torch4j.scan;

import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scanSource runs the call pattern only where one of its words begins ({@link ScriptOps#nextCallStart}),
 * anchored there ({@link ScriptOps#nextCall}):
 * the matches must be exactly those of java.util.regex's own {@code find()} loop over the whole source.
 */
class ScriptOpsTest {
    /** Every match (start, end, groups) of one plain find() loop, or of the loop scanSource runs. */
    private static List<String> matches(String source, boolean skipping) {
        List<String> out = new ArrayList<>();
        Matcher c = skipping ? ScriptOps.callMatcher(source) : ScriptOps.CALL.matcher(source);
        if (skipping) {
            for (int from = ScriptOps.nextCall(c, source, 0); from >= 0; from = ScriptOps.nextCall(c, source, c.end())) {
                out.add(describe(c));
            }
        } else {
            while (c.find()) out.add(describe(c));
        }
        return out;
    }

    private static String describe(Matcher c) {
        StringBuilder b = new StringBuilder().append(c.start()).append('-').append(c.end());
        for (int g = 1; g <= c.groupCount(); g++) b.append(' ').append(c.group(g));
        return b.toString();
    }

    @Test void theSourcesOfTheFixturesMatchAlike() throws IOException {
        int sources = 0;
        int calls = 0;
        try (Stream<Path> files = Files.walk(Fixtures.file("torchscript").getParent())) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".pt") || p.toString().endsWith(".ptl"))::iterator) {
                try (ZipFile zip = new ZipFile(f.toFile())) {
                    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                        ZipEntry entry = e.nextElement();
                        if (!entry.getName().endsWith(".py")) continue;
                        String source = new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                        List<String> expected = matches(source, false);
                        assertEquals(expected, matches(source, true), f + "!" + entry.getName());
                        sources++;
                        calls += expected.size();
                    }
                } catch (java.util.zip.ZipException notAZip) {
                    // hostile fixtures that are not readable zips hold no source to compare
                }
            }
        }
        assertTrue(sources >= 20, "TorchScript sources compared: " + sources);
        assertTrue(calls >= 20, "calls found: " + calls);
    }

    @Test void wordsInsideOtherWordsAndUnicodeNeighboursMatchAlike() {
        for (String s : List.of("xtorch.load(a)", "_torch.save(a)", "étorch.save(a)", "torchtorch.x(", "torch.torch.save(",
                "ops.aten.save(x)", "opsops.a.b(", "torch.ops.myns.op(x)", "torch . ops . \\\n aten . save (", "eval(", "eevaleval(",
                "exexec(", "__import__('os')", "___import__(", "self.eval()", "def eval(self):", "torch", "ops.", "e", "",
                "t\u00e9torch.x(", "\u00e9val(", "x = torch.from_file(\"/etc/passwd\")\n    return eval(\"1\")")) {
            assertEquals(matches(s, false), matches(s, true), s);
        }
    }

    @Test void randomSourcesMatchAlike() {
        String[] parts = {"torch", "ops", "aten", "eval", "exec", "__import__", "_", ".", " . ", "(", "\\\n", "\n", " ", "\t",
                "x", "save", "def ", "self.", "\u00e9", "1", "e", "t", "o"};
        Random random = new Random(28);
        int found = 0;
        for (int n = 0; n < 20000; n++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(30); k > 0; k--) b.append(parts[random.nextInt(parts.length)]);
            String s = b.toString();
            List<String> expected = matches(s, false);
            assertEquals(expected, matches(s, true), s);
            found += expected.size();
        }
        assertTrue(found > 500, "random sources with calls: " + found);
    }
}
