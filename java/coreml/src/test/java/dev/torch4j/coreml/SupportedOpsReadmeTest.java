package dev.torch4j.coreml;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The supported-op table in the README is SupportedOps.TABLE, row for row (regenerate it with {@link #table()}). */
class SupportedOpsReadmeTest {
    static final String BEGIN = "<!-- coreml-ops:begin -->";
    static final String END = "<!-- coreml-ops:end -->";

    static String table() {
        StringBuilder sb = new StringBuilder("| TorchScript op | Core ML layers |\n| --- | --- |\n");
        for (Map.Entry<String, String> e : SupportedOps.TABLE.entrySet()) {
            sb.append("| `").append(e.getKey()).append("` | ").append(e.getValue()).append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void readmeTableIsTheCodesTable() throws IOException {
        // The table lives in the Core ML document under docs/ (README.md until the manual moved there).
        Path readme = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && readme == null; p = p.getParent()) {
            List<Path> candidates = new ArrayList<>(List.of(p.resolve("README.md")));
            if (Files.isDirectory(p.resolve("docs"))) {
                try (Stream<Path> docs = Files.list(p.resolve("docs"))) {
                    docs.filter(d -> d.toString().endsWith(".md")).sorted().forEach(candidates::add);
                }
            }
            for (Path c : candidates) {
                if (readme == null && Files.isRegularFile(c) && Files.readString(c).contains(BEGIN)) readme = c;
            }
        }
        if (readme == null) throw new AssertionError("no README.md or docs/*.md with " + BEGIN + " above " + Path.of("").toAbsolutePath());
        String text = Files.readString(readme);
        String inReadme = text.substring(text.indexOf(BEGIN) + BEGIN.length(), text.indexOf(END)).strip();
        assertEquals(table().strip(), inReadme, "README's Core ML op table; expected:\n" + table());
    }

    @Test
    void everyTableOpIsDispatchedByTheConverter() throws IOException {
        // A table entry the converter does not handle would pass --check-only and then fail export.
        String source = Files.readString(source("GraphConverter.java"));
        List<String> missing = new ArrayList<>();
        for (String op : SupportedOps.TABLE.keySet()) if (!source.contains("\"" + op + "\"")) missing.add(op);
        for (String op : SupportedOps.FOLDED) if (!op.equals("prim::Constant") && !source.contains("\"" + op + "\"")) missing.add(op);
        assertEquals(List.of(), missing);
    }

    private static Path source(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (String rel : new String[] {"src/main/java/dev/torch4j/coreml/", "java/coreml/src/main/java/dev/torch4j/coreml/"}) {
                if (Files.isRegularFile(p.resolve(rel + name))) return p.resolve(rel + name);
            }
        }
        throw new IllegalStateException(name);
    }
}
