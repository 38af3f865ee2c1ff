package dev.torch4j.docs;

import dev.torch4j.testing.SharedFolder;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The README stays a welcome, not a manual: the manual lives under docs/. */
class ReadmeTest {
    private static final int MAX_LINES = 300;

    @Test
    void readmeIsShortAndPointsAtTheManual() throws Exception {
        Path root = SharedFolder.repositoryRoot();
        assertNotNull(root);
        List<String> lines = Files.readAllLines(root.resolve("README.md"));
        assertTrue(lines.size() <= MAX_LINES, "README.md has " + lines.size() + " lines; move detail to docs/ (at most " + MAX_LINES + ")");
        String text = String.join("\n", lines);
        // The two set-up commands: build and run on the bundled sample, and the tests as CI runs them.
        assertTrue(text.contains("./mvnw -B -q package -DskipTests && java/dist/target/"), "the build-and-run command");
        assertTrue(text.contains("\n./mvnw -B verify\n"), "the test command");
        assertTrue(Files.readString(root.resolve(".ci/run")).contains("\n./mvnw -B verify\n"), ".ci/run runs the README's test command");
        for (String doc : List.of("docs/commands.md", "docs/library.md", "docs/formats.md", "docs/performance.md")) {
            assertTrue(text.contains("(" + doc + ")"), "README links " + doc);
            assertTrue(Files.isRegularFile(root.resolve(doc)), doc);
        }
    }
}
