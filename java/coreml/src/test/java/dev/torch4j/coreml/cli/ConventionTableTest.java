package dev.torch4j.coreml.cli;

import dev.torch4j.cli.api.ConventionTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/commands.md's row of export-coreml (and every other command here) equals what the commands declare. */
class ConventionTableTest {
    @Test void theDocumentedTableEqualsTheCommandTree() throws IOException {
        var tree = ConventionTable.tree(new PrintWriter(new StringWriter()));
        assertTrue(ConventionTable.rows(tree).containsKey("export-coreml"),
                () -> "export-coreml is on this class path, through its CliExtension service: " + tree.getSubcommands().keySet());
        assertEquals(List.of(), ConventionTable.differences(Path.of("../../docs/commands.md"), tree));
    }
}
