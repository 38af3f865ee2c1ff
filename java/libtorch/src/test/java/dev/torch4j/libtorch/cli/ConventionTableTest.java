package dev.torch4j.libtorch.cli;

import dev.torch4j.cli.api.ConventionTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/commands.md's rows of run and export-mobile (and the built-ins) equal what these commands declare. */
class ConventionTableTest {
    @Test void theDocumentedTableEqualsTheCommandTree() throws IOException {
        var tree = ConventionTable.tree(new PrintWriter(new StringWriter()));
        assertTrue(ConventionTable.rows(tree).keySet().containsAll(List.of("run", "export-mobile")),
                () -> "run and export-mobile are on this class path: " + tree.getSubcommands().keySet());
        assertEquals(List.of(), ConventionTable.differences(Path.of("../../docs/commands.md"), tree));
    }
}
