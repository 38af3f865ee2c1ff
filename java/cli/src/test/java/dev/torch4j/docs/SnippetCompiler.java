package dev.torch4j.docs;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Compiles a documentation snippet with the JDK's compiler against this test's class path. A snippet
 * with a top-level type is a source file; any other is the body of a method that may throw, so a
 * reader can paste it into one. Its {@code import} lines go to the top either way: a snippet compiles
 * only if it imports what it uses.
 */
final class SnippetCompiler {
    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "(?m)^(public\\s+|final\\s+|abstract\\s+)*(class|record|interface|enum)\\s+\\w+");

    private SnippetCompiler() {}

    /** The compiler's errors (empty when the snippet compiles), each with the snippet's own line number. */
    static List<String> errors(MarkdownSnippets.Snippet snippet, Path workDir) {
        String source = asCompilationUnit(snippet.code());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new AssertionError("no system Java compiler: run the tests on a JDK");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            Path out = Files.createTempDirectory(workDir, "snippet");
            List<String> options = List.of("--release", "17", "-proc:none", "-implicit:none",
                    "-classpath", classPath(), "-d", out.toString());
            JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + className(source) + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            javac.getTask(null, files, diagnostics, options, null, List.of(unit)).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(snippet + " (snippet line " + snippetLine(snippet.code(), source, d.getLineNumber()) + "): "
                        + d.getMessage(Locale.ROOT));
            }
        }
        return errors;
    }

    /**
     * The snippet as a compilation unit: as-is when it declares a type, else its imports (each on its
     * own line, other lines blank), a wrapper line, and its other lines (imports blank) as a method body.
     * Both halves keep the snippet's line count, so an error's line maps back to the snippet.
     */
    static String asCompilationUnit(String code) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : code.split("\n", -1)) {
            boolean isImport = line.startsWith("import ");
            imports.append(isImport ? line : "").append('\n');
            body.append(isImport ? "" : line).append('\n');
        }
        if (TOP_LEVEL_TYPE.matcher(body).find()) return code;
        return imports + "class Snippet { void run() throws Exception {\n" + body + "} }\n";
    }

    /** Maps a line of the compilation unit back to the snippet's line. */
    private static long snippetLine(String code, String unit, long unitLine) {
        if (unit.equals(code)) return unitLine;
        long codeLines = code.split("\n", -1).length;
        return unitLine <= codeLines ? unitLine : unitLine - codeLines - 1;
    }

    private static String className(String source) {
        var m = Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+|abstract\\s+)*(?:class|record|interface|enum)\\s+(\\w+)").matcher(source);
        return m.find() ? m.group(1) : "Snippet";
    }

    /** Surefire's test class path (its booter jar only names it in a manifest), else the JVM's. */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }
}
