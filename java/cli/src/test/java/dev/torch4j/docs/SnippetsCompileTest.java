package dev.torch4j.docs;

import dev.torch4j.testing.SharedFolder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every ```java block of README.md and docs/*.md compiles against torch4j's API, with the imports it
 * shows; the negative cases prove that a snippet that does not compile fails the test.
 */
class SnippetsCompileTest {
    @TestFactory
    Stream<DynamicTest> everyJavaSnippetInTheDocsCompiles(@TempDir Path work) throws IOException {
        Path root = SharedFolder.repositoryRoot();
        assertNotNull(root, "no repository root above " + Path.of("").toAbsolutePath());
        List<MarkdownSnippets.Snippet> snippets = new ArrayList<>();
        for (Path doc : documents(root)) {
            snippets.addAll(MarkdownSnippets.javaBlocks(root.relativize(doc).toString(), Files.readString(doc)));
        }
        assertTrue(snippets.stream().anyMatch(s -> s.source().equals("README.md")), "README.md has no ```java block");
        return snippets.stream().map(s -> DynamicTest.dynamicTest(s.toString(),
                () -> assertEquals(List.of(), SnippetCompiler.errors(s, work))));
    }

    /** README.md and every Markdown file under docs/, in name order. */
    static List<Path> documents(Path root) throws IOException {
        List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
        if (Files.isDirectory(root.resolve("docs"))) {
            try (Stream<Path> s = Files.list(root.resolve("docs"))) {
                s.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(docs::add);
            }
        }
        return docs;
    }

    @Test
    void aCompleteSnippetCompiles(@TempDir Path work) {
        var ok = snippet("""
                import dev.torch4j.Checkpoint;
                import dev.torch4j.Torch;

                import java.nio.file.Path;

                try (Checkpoint cp = Torch.open(Path.of("model.pt"))) {
                    System.out.println(cp.format());
                }
                """);
        assertEquals(List.of(), SnippetCompiler.errors(ok, work));
    }

    @Test
    void aSnippetThatDoesNotImportWhatItUsesFails(@TempDir Path work) {
        // The former README's snippet: Path and Map used, never imported.
        var missing = snippet("""
                import dev.torch4j.Checkpoint;
                import dev.torch4j.Torch;

                try (Checkpoint cp = Torch.open(Path.of("model.pt"))) {
                    Map<String, Object> facts = cp.metadata();
                }
                """);
        List<String> errors = SnippetCompiler.errors(missing, work);
        assertEquals(2, errors.size(), errors::toString);
        assertTrue(errors.get(0).contains("snippet line 4") && errors.get(0).contains("Path"), errors::toString);
        assertTrue(errors.get(1).contains("snippet line 5") && errors.get(1).contains("Map"), errors::toString);
    }

    @Test
    void aSnippetImportingAPackageThatDoesNotExistFails(@TempDir Path work) {
        var wrong = snippet("""
                import dev.torch4j.writer.Tensors;

                Object t = Tensors.of(new float[] {1, 2}, 2);
                """);
        List<String> errors = SnippetCompiler.errors(wrong, work);
        assertFalse(errors.isEmpty());
        assertTrue(errors.get(0).contains("dev.torch4j.writer") && errors.get(0).contains("snippet line 1"), errors::toString);
    }

    @Test
    void aSnippetCallingAMethodThatDoesNotExistFails(@TempDir Path work) {
        var wrong = snippet("""
                import dev.torch4j.Torch;

                import java.nio.file.Path;

                Torch.read(Path.of("model.pt"));
                """);
        List<String> errors = SnippetCompiler.errors(wrong, work);
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).contains("snippet line 5") && errors.get(0).contains("read"), errors::toString);
    }

    @Test
    void aSnippetDeclaringATypeIsCompiledAsASourceFile(@TempDir Path work) {
        var type = snippet("""
                import dev.torch4j.tensor.Tensor;

                record Named(String name, Tensor tensor) {}
                """);
        assertEquals(List.of(), SnippetCompiler.errors(type, work));
        assertEquals(type.code(), SnippetCompiler.asCompilationUnit(type.code()));
    }

    @Test
    void onlyJavaBlocksAreExtractedWithTheirLines() {
        String md = "# t\n\n```sh\nls\n```\n\n```java\nint a = 1;\n```\ntext\n```java\nint b = 2;\nint c = 3;\n```\n";
        List<MarkdownSnippets.Snippet> blocks = MarkdownSnippets.javaBlocks("x.md", md);
        assertEquals(List.of(new MarkdownSnippets.Snippet("x.md", 8, "int a = 1;\n"),
                new MarkdownSnippets.Snippet("x.md", 12, "int b = 2;\nint c = 3;\n")), blocks);
        assertThrows(IllegalArgumentException.class, () -> MarkdownSnippets.javaBlocks("y.md", "```java\nint a;\n"));
    }

    private static MarkdownSnippets.Snippet snippet(String code) {
        return new MarkdownSnippets.Snippet("test.md", 1, code);
    }
}
