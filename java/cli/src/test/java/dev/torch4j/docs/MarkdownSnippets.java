package dev.torch4j.docs;

import java.util.ArrayList;
import java.util.List;

/** The ```java blocks of a Markdown text, with the line each starts on. */
final class MarkdownSnippets {
    private MarkdownSnippets() {}

    /** One fenced Java block: where it is (for messages) and its text. */
    record Snippet(String source, int line, String code) {
        @Override public String toString() {
            return source + ":" + line;
        }
    }

    /** Every block fenced as {@code ```java}; an unclosed block is an error, not silently dropped. */
    static List<Snippet> javaBlocks(String source, String markdown) {
        List<Snippet> out = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().equals("```java")) continue;
            int start = i + 1;
            StringBuilder code = new StringBuilder();
            int j = start;
            while (j < lines.length && !lines[j].strip().equals("```")) code.append(lines[j++]).append('\n');
            if (j == lines.length) throw new IllegalArgumentException(source + ":" + (start) + ": ```java block is never closed");
            out.add(new Snippet(source, start + 1, code.toString()));
            i = j;
        }
        return out;
    }
}
