package dev.torch4j.docs;

import dev.torch4j.testing.ReferencePython;
import dev.torch4j.testing.SharedFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * docs/performance.md's issue-28 table is generated from a committed benchmark baseline
 * ({@code benchmarks/src/main/python/report.py --update-doc}); the committed doc must be exactly what
 * the baseline it names generates, so nobody edits a number by hand or commits a table without its
 * run. The generator is plain Python 3 (no torch).
 */
class PerformanceTableTest {
    private static final String REPORT = "benchmarks/src/main/python/report.py";
    private static final Pattern MARKER = Pattern.compile("report\\.py --update-doc from (\\S+\\.json); do not edit -->");

    @Test
    void theCommittedTableIsTheCommittedBaselines() {
        ReferencePython.require("json");
        Path root = root();
        String out = python(root, "--check-doc", "docs/performance.md");
        assertTrue(out.contains("generated table matches its baseline"), out);
    }

    @Test
    void anEditedCellIsCaughtAndUpdateDocRestoresTheTable(@TempDir Path copy) throws IOException {
        ReferencePython.require("json");
        Path root = root();
        String doc = Files.readString(root.resolve("docs/performance.md"));
        Matcher m = MARKER.matcher(doc);
        assertTrue(m.find(), "docs/performance.md has no generated table marker");
        String baseline = m.group(1);
        Files.createDirectories(copy.resolve("docs"));
        Files.createDirectories(copy.resolve(baseline).getParent());
        Files.createFile(copy.resolve("mvnw")); // marks the copy's root, as in the repository
        Files.copy(root.resolve(baseline), copy.resolve(baseline));
        int cell = doc.indexOf("| MET |") >= 0 ? doc.indexOf("| MET |") : doc.indexOf("| MISSED |");
        assertTrue(cell > m.end(), "no status cell in the generated table");
        String edited = doc.substring(0, cell) + "| MET (edited by hand) |" + doc.substring(doc.indexOf('\n', cell));
        Files.writeString(copy.resolve("docs/performance.md"), edited);

        AssertionError drift = assertThrows(AssertionError.class, () -> python(copy, "--check-doc", "docs/performance.md"));
        assertTrue(drift.getMessage().contains("docs/performance.md: the generated table is not its baseline's"), drift.getMessage());
        assertTrue(drift.getMessage().contains("MET (edited by hand)"), "the diff shows the edited line: " + drift.getMessage());

        python(copy, "--update-doc", "docs/performance.md");
        assertEquals(doc, Files.readString(copy.resolve("docs/performance.md")));
    }

    private static Path root() {
        Path root = SharedFolder.repositoryRoot();
        assertNotNull(root, "no repository root above " + Path.of("").toAbsolutePath());
        return root;
    }

    /** report.py on {@code dir}'s docs/performance.md (it finds the baseline from the doc's root); stdout, or an AssertionError with stderr. */
    private static String python(Path dir, String option, String doc) {
        List<String> cmd = List.of(ReferencePython.interpreter().toString(), root().resolve(REPORT).toString(), option,
                dir.resolve(doc).toString());
        return ReferencePython.run(cmd, Map.of(), 60);
    }
}
