package dev.torch4j.cli;

import dev.torch4j.cli.api.ConventionTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/commands.md's convention table equals the command tree: each built-in's row is what its
 * options and exit codes say, and the table lists exactly the commands {@code torch4j --help} lists
 * (those of modules absent here included; libtorch's tests check their rows).
 */
class ConventionTableTest {
    @Test void theDocumentedTableEqualsTheCommandTree() throws IOException {
        var tree = ConventionTable.tree(new PrintWriter(new StringWriter()));
        assertEquals(List.of(), ConventionTable.differences(Path.of("../../docs/commands.md"), tree));
    }

    @Test void aChangedRowIsADifference() throws IOException {
        Path doc = java.nio.file.Files.createTempFile("commands", ".md");
        try {
            String text = java.nio.file.Files.readString(Path.of("../../docs/commands.md"));
            java.nio.file.Files.writeString(doc, text.replace("| `inspect` | no | yes |", "| `inspect` | no | no |"));
            var tree = ConventionTable.tree(new PrintWriter(new StringWriter()));
            List<String> d = ConventionTable.differences(doc, tree);
            assertEquals(1, d.size(), d::toString);
            assertEquals(true, d.get(0).startsWith("inspect: "), d::toString);
        } finally {
            java.nio.file.Files.delete(doc);
        }
    }
}
