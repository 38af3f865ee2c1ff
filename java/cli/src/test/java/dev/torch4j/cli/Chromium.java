package dev.torch4j.cli;

import dev.torch4j.testing.ReferencePython;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Headless Chromium (Debian's {@code chromium}) for tests of the report page: the rendered DOM after
 * the page's script ran, and screenshots. Where it is missing, tests are skipped on a developer
 * machine but fail under CI ({@code CI} set, as {@code .ci/run} does), so CI cannot pass without a browser.
 */
final class Chromium {
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/snap/bin/chromium");

    private final Path binary;
    private final Path profile;

    private Chromium(Path binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    /** The browser, or the test is skipped (developer machine) or failed (CI: TORCH4J_REQUIRE_ORACLE, like the other oracles). */
    static Chromium require(Path scratch) throws IOException {
        Path found = CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (found == null) {
            if (ReferencePython.required()) fail("chromium is required under CI (apt-get install chromium)");
            assumeTrue(false, "chromium not installed");
        }
        return new Chromium(found, Files.createDirectories(scratch.resolve("chromium-profile")));
    }

    /** The DOM after load, as Chromium serialises it. */
    String dumpDom(String url) throws Exception {
        return run(List.of("--dump-dom", url));
    }

    void screenshot(String url, Path png, int width, int height) throws Exception {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars", url));
        assertTrue(Files.size(png) > 10_000, "screenshot written: " + png);
    }

    private String run(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium timed out");
        }
        assertEquals(0, p.exitValue(), "chromium exit status");
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }
}
