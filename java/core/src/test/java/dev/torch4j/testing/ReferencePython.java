package dev.torch4j.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The reference Python every torch4j test compares with: Debian's {@code /usr/bin/python3} with
 * PyTorch 1.13 and numpy (plus joblib, scikit-learn... where a test asks for them).
 *
 * <p>One switch chooses the interpreter: {@code -Dtorch4j.python=...} or {@code TORCH4J_PYTHON}.
 * Where it is missing a test is skipped, except under CI: with {@code TORCH4J_REQUIRE_ORACLE=1}
 * (set by {@code .ci/run}) or {@code -Dtorch4j.requireOracle=true} a missing oracle fails the test,
 * so a broken install can never pass as a green run of skipped tests.
 */
public final class ReferencePython {
    private static final Map<String, Boolean> IMPORTABLE = new ConcurrentHashMap<>();

    private ReferencePython() {}

    /** The interpreter that has the reference libraries. */
    public static Path interpreter() {
        String configured = System.getProperty("torch4j.python", System.getenv("TORCH4J_PYTHON"));
        return Path.of(configured == null || configured.isBlank() ? "/usr/bin/python3" : configured);
    }

    /** Whether a missing oracle must fail the test instead of skipping it. */
    public static boolean required() {
        return Boolean.getBoolean("torch4j.requireOracle") || "1".equals(System.getenv("TORCH4J_REQUIRE_ORACLE"))
                || "true".equalsIgnoreCase(System.getenv("TORCH4J_REQUIRE_ORACLE"));
    }

    /** Whether the interpreter imports every module named (default: torch and numpy). */
    public static boolean available(String... modules) {
        String imports = String.join(", ", modules.length == 0 ? new String[] {"torch", "numpy"} : modules);
        return IMPORTABLE.computeIfAbsent(imports, ReferencePython::canImport);
    }

    /** Whether torch and numpy are importable: the usual precondition. */
    public static boolean torchAvailable() {
        return available();
    }

    /**
     * Skips the calling test when the modules cannot be imported, or fails it when the oracle is
     * {@linkplain #required() required}.
     */
    public static void require(String... modules) {
        if (available(modules)) return;
        String what = interpreter() + " cannot import " + String.join(", ", modules.length == 0
                ? new String[] {"torch", "numpy"} : modules);
        if (required()) throw new AssertionError(what + " (TORCH4J_REQUIRE_ORACLE is set: install the oracle)");
        Assumptions.abort(what + ": test skipped");
    }

    /** Runs a script file with arguments; returns its stdout. Fails on a non-zero exit or a timeout. */
    public static String runScript(Path script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(interpreter().toString(), script.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, Map.of(), 600);
    }

    /** Runs Python source text ({@code -c}) with arguments; returns its stdout. */
    public static String runSource(String source, String... args) {
        List<String> cmd = new ArrayList<>(List.of(interpreter().toString(), "-c", source));
        cmd.addAll(List.of(args));
        return run(cmd, Map.of(), 600);
    }

    /** Runs a command line with extra environment variables; returns stdout, fails with stderr shown. */
    public static String run(List<String> command, Map<String, String> env, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            Process p = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread pump = new Thread(() -> {
                try {
                    p.getErrorStream().transferTo(err);
                } catch (IOException ignored) {
                    // the process died; its exit status says so
                }
            });
            pump.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command.get(0) + " timed out after " + timeoutSeconds + " s");
            }
            pump.join();
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command.subList(0, Math.min(2, command.size())))
                        + " failed (" + p.exitValue() + "):\n" + err.toString(StandardCharsets.UTF_8));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean canImport(String imports) {
        if (!Files.isExecutable(interpreter())) return false;
        try {
            Process p = new ProcessBuilder(interpreter().toString(), "-c", "import " + imports)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
