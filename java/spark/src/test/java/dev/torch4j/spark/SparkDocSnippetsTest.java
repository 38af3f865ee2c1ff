package dev.torch4j.spark;

import org.junit.jupiter.api.Test;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java blocks of docs/spark.md fenced {@code ```java spark} compile against Spark and this module
 * (torch4j-cli's SnippetsCompileTest compiles the plain {@code ```java} blocks, against core only).
 */
class SparkDocSnippetsTest {
    private static final Path DOC = Path.of("../../docs/spark.md");

    @Test void everySparkSnippetCompiles() throws Exception {
        List<String> blocks = sparkBlocks(Files.readString(DOC));
        assertFalse(blocks.isEmpty(), "docs/spark.md has no ```java spark block");
        for (String block : blocks) assertEquals(List.of(), errors(block), block);
    }

    /** The check can fail: a snippet calling what Spark does not have is reported. */
    @Test void aSnippetThatDoesNotCompileIsReported() throws Exception {
        String broken = "import org.apache.spark.sql.SparkSession;\nSparkSession.builder().noSuchMethod();\n";
        assertTrue(!errors(broken).isEmpty());
    }

    static List<String> sparkBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().equals("```java spark")) continue;
            StringBuilder b = new StringBuilder();
            int j = i + 1;
            for (; j < lines.length && !lines[j].strip().equals("```"); j++) b.append(lines[j]).append('\n');
            if (j == lines.length) throw new IllegalArgumentException("docs/spark.md:" + (i + 1) + ": block never closed");
            blocks.add(b.toString());
            i = j;
        }
        return blocks;
    }

    /** Compiler errors of the block as a method body (its imports lifted); classes go to a folder removed after. */
    static List<String> errors(String block) throws java.io.IOException {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : block.split("\n")) (line.startsWith("import ") ? imports : body).append(line).append('\n');
        String unit = imports + "class Snippet { void run() throws Exception {\n" + body + "} }\n";
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///Snippet.java"), JavaFileObject.Kind.SOURCE) {
            @Override public CharSequence getCharContent(boolean ignoreEncodingErrors) { return unit; }
        };
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path");
        Path out = Files.createTempDirectory("snippet");
        try {
            javac.getTask(null, null, diagnostics, List.of("-proc:none", "-classpath", cp, "-d", out.toString()), null,
                    List.of(source)).call();
        } finally {
            try (var files = Files.walk(out)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        List<String> errors = new ArrayList<>();
        diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                .forEach(d -> errors.add(d.getMessage(null)));
        return errors;
    }
}
