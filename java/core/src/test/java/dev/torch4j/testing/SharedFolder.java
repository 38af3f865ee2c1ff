package dev.torch4j.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The material that stays outside the repository: {@code ../shared} beside the checkout, with the
 * real-world corpus ({@code corpus/}) and oracles such as coremltools ({@code oracles/}).
 *
 * <p>A fresh clone anywhere else has no such folder, and its tests must still pass: a test that needs
 * the folder skips with a message, except under CI ({@link ReferencePython#required()}), where a
 * missing folder fails it. {@code -Dtorch4j.shared=DIR} or {@code TORCH4J_SHARED} points the lookup
 * elsewhere; {@code .ci/run} points it at a folder that does not exist to prove the fresh-clone case.
 */
public final class SharedFolder {
    private SharedFolder() {}

    /** The shared folder as configured, or {@code ../shared} beside the repository root; it may not exist. */
    public static Path root() {
        String given = System.getProperty("torch4j.shared", System.getenv("TORCH4J_SHARED"));
        if (given != null && !given.isBlank()) return Path.of(given).toAbsolutePath();
        Path repo = repositoryRoot();
        return repo == null ? null : repo.resolveSibling("shared");
    }

    /** The real-world corpus folder, or null when there is none. */
    public static Path corpus() {
        return existing("corpus");
    }

    /** The corpus folder; skips the calling test when it is absent (fails it under CI). */
    public static Path requireCorpus() {
        Path corpus = corpus();
        if (corpus == null) absent("corpus");
        return corpus;
    }

    /** A folder under the shared folder, or null when it (or the shared folder) is absent. */
    public static Path existing(String relative) {
        Path root = root();
        if (root == null) return null;
        Path p = root.resolve(relative);
        return Files.isDirectory(p) ? p : null;
    }

    /**
     * Reports that {@code relative} is missing: fails under CI, else skips the calling test with a
     * message that says where the folder was looked for.
     */
    public static void absent(String relative) {
        Path root = root();
        String where = (root == null ? Path.of("..", "shared") : root).resolve(relative).toString();
        String what = where + " not present (the shared material beside the checkout; -Dtorch4j.shared=DIR points elsewhere)";
        if (required()) throw new AssertionError(what + " (TORCH4J_REQUIRE_ORACLE is set: CI needs it)");
        Assumptions.abort(what + ": test skipped");
    }

    /** Whether a missing shared folder fails instead of skipping: under CI, as for the reference Python. */
    public static boolean required() {
        return ReferencePython.required();
    }

    /** The checkout's root: the nearest folder above the working directory with the root pom, java/ and mvnw. */
    public static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("java"))
                    && Files.isRegularFile(d.resolve("mvnw"))) {
                return d;
            }
        }
        return null;
    }
}
