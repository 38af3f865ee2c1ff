package dev.torch4j.docs;

import dev.torch4j.testing.SharedFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every relative link of README.md and docs/*.md leads to a file or folder of the repository, and
 * every #anchor into a Markdown file to one of its headings (by GitHub's slug rule).
 */
class DocLinksTest {
    @Test
    void everyRelativeLinkOfTheDocsResolves() throws IOException {
        Path root = SharedFolder.repositoryRoot();
        assertNotNull(root, "no repository root above " + Path.of("").toAbsolutePath());
        List<String> problems = new ArrayList<>();
        int links = 0;
        for (Path doc : SnippetsCompileTest.documents(root)) {
            links += MarkdownLinks.relativeLinks(Files.readString(doc)).size();
            problems.addAll(MarkdownLinks.problems(root.toAbsolutePath().normalize(), doc.toAbsolutePath().normalize()));
        }
        assertTrue(links > 20, "the README and docs link each other: found only " + links + " relative links");
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void slugsFollowGitHub() {
        // As github.com renders these headings (checked there): markup and punctuation go, spaces become hyphens.
        assertEquals("writing-a-command-for-module-authors", MarkdownLinks.slug("Writing a command (for module authors)"));
        assertEquals("what-scan-guarantees", MarkdownLinks.slug("What `scan` guarantees"));
        assertEquals("--json-output", MarkdownLinks.slug("`--json` output"));
        assertEquals("set-up--build", MarkdownLinks.slug("Set-up & build"));
        assertEquals("torch_save-files", MarkdownLinks.slug("torch_save files"));
        assertEquals("see-the-docs", MarkdownLinks.slug("See [the docs](docs/x.md)"));
        assertEquals(List.of("usage", "usage-1", "usage-2"),
                List.copyOf(MarkdownLinks.anchors("# Usage\n## Usage\n```\n# not a heading\n```\n### Usage\n")));
    }

    @Test
    void brokenLinksAndAnchorsAreReportedAndCodeIsNot(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/a.md"), "# A\n## Part two\n");
        Path doc = root.resolve("README.md");
        Files.writeString(doc, String.join("\n",
                "See [a](docs/a.md), [part](docs/a.md#part-two), [here](#readme) and [site](https://example.org/x.md).",
                "# Readme",
                "Broken: [gone](docs/gone.md), [bad anchor](docs/a.md#part-three), [up](../../outside.md).",
                "`[code](docs/nowhere.md)` is code.",
                "```",
                "[fenced](docs/nowhere.md)",
                "```",
                "[ref]: docs/missing.md",
                ""));
        assertEquals(List.of(
                "README.md:3: docs/gone.md does not exist",
                "README.md:3: docs/a.md#part-three: docs/a.md has no heading with anchor #part-three",
                "README.md:3: ../../outside.md leaves the repository",
                "README.md:8: docs/missing.md does not exist"), MarkdownLinks.problems(root, doc));
    }
}
