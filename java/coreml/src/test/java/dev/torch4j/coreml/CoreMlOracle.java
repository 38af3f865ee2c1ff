package dev.torch4j.coreml;

import dev.torch4j.testing.SharedFolder;
import dev.torch4j.testing.ReferencePython;

import dev.torch4j.json.Json;
import dev.torch4j.libtorch.LibtorchBackend;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The test oracle: reference PyTorch (/usr/bin/python3) plus the pure-Python coremltools 6.2 in the
 * project's shared/oracles folder, driven by src/test/python/coreml_oracle.py. Off CI a missing piece
 * skips the tests that need it; under CI (TORCH4J_REQUIRE_ORACLE=1) it fails them, so a broken set-up cannot pass green.
 */
final class CoreMlOracle {
    private CoreMlOracle() {}

    static final Path PYTHON = ReferencePython.interpreter();
    private static final String ORACLE_DIR = "oracles/coremltools-6.2";
    private static Path fixtures;
    private static String unavailable;

    /** Where coremltools 6.2 is: -Dtorch4j.coreml.oracle, $TORCH4J_COREML_ORACLE, or shared/oracles beside the checkout. */
    static Path oracleDir() {
        String given = System.getProperty("torch4j.coreml.oracle", System.getenv("TORCH4J_COREML_ORACLE"));
        if (given != null && !given.isBlank()) return Path.of(given);
        Path candidate = SharedFolder.existing(ORACLE_DIR);
        return candidate != null && Files.isRegularFile(candidate.resolve("coremltools/__init__.py")) ? candidate : null;
    }

    private static boolean underCi() {
        return ReferencePython.required();
    }

    /** Skips (or, under CI, fails) unless libtorch, PyTorch and coremltools are all there; generates the fixtures once. */
    static synchronized Path fixtures() throws IOException {
        if (fixtures == null && unavailable == null) unavailable = generate();
        if (unavailable != null) {
            if (underCi()) throw new AssertionError("CI needs the Core ML oracle: " + unavailable);
            Assumptions.abort(unavailable);
        }
        return fixtures;
    }

    private static String generate() throws IOException {
        if (!LibtorchBackend.isAvailable()) return "libtorch unavailable: " + LibtorchBackend.probe().reason();
        if (!Files.isExecutable(PYTHON)) return "reference PyTorch not installed at " + PYTHON;
        Path oracle = oracleDir();
        if (oracle == null) return "coremltools 6.2 not found (" + ORACLE_DIR + " in the shared folder " + SharedFolder.root() + ", or -Dtorch4j.coreml.oracle)";
        Path dir = Files.createTempDirectory("torch4j-coreml-fixtures");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        Run r = python(600, "gen", dir.toString());
        if (r.exitCode() == 3) return PYTHON + " has no torch/numpy";
        if (r.exitCode() == 4) return "coremltools does not import (Debian python3-protobuf python3-tqdm python3-packaging python3-sympy python3-attr python3-yaml?): " + r.output();
        if (r.exitCode() != 0) throw new IOException("coreml_oracle.py gen failed (" + r.exitCode() + "):\n" + r.output());
        fixtures = dir;
        return null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> verdicts() throws IOException {
        return (Map<String, Object>) Json.parse(Files.readString(fixtures().resolve("oracle.json")));
    }

    /** Compares our .mlmodel with coremltools' conversion and PyTorch's output; returns the script's JSON report. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> check(String model, Path ours) throws IOException {
        Run r = python(300, "check", fixtures().toString(), model, ours.toString());
        String last = r.output().strip();
        last = last.substring(last.lastIndexOf('\n') + 1);
        if (!last.startsWith("{")) throw new AssertionError("coreml_oracle.py check " + model + " failed:\n" + r.output());
        return (Map<String, Object>) Json.parse(last);
    }

    /** {@link #check} for several models in one Python process: OURS_DIR/NAME.mlmodel for each name. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> checkAll(Path oursDir, List<String> models) throws IOException {
        if (models.isEmpty()) return Map.of();
        List<String> args = new ArrayList<>(List.of("checks", fixtures().toString(), oursDir.toString()));
        args.addAll(models);
        Run r = python(900, args.toArray(new String[0]));
        String last = r.output().strip();
        last = last.substring(last.lastIndexOf('\n') + 1);
        if (!last.startsWith("{")) throw new AssertionError("coreml_oracle.py checks failed:\n" + r.output());
        return (Map<String, Object>) Json.parse(last);
    }

    /** The op names coremltools 6.2's torch frontend converts. */
    @SuppressWarnings("unchecked")
    static List<String> coremltoolsRegistry() throws IOException {
        fixtures();
        Run r = python(300, "registry");
        String last = r.output().strip();
        last = last.substring(last.lastIndexOf('\n') + 1);
        if (r.exitCode() != 0 || !last.startsWith("[")) throw new AssertionError("coreml_oracle.py registry failed:\n" + r.output());
        List<String> names = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(last)) names.add((String) o);
        return names;
    }

    record Run(int exitCode, String output) {}

    private static Run python(int timeoutSeconds, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Path oracle = oracleDir();
        if (oracle != null) pb.environment().put("PYTHONPATH", oracle.toString());
        pb.environment().put("TQDM_DISABLE", "1");
        Path log = Files.createTempFile("torch4j-coreml-oracle", ".log");
        try {
            Process p = pb.redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("coreml_oracle.py " + args[0] + " timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted", e);
            }
            return new Run(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static Path script() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (String rel : new String[] {"src/test/python/coreml_oracle.py", "java/coreml/src/test/python/coreml_oracle.py"}) {
                if (Files.isRegularFile(p.resolve(rel))) return p.resolve(rel);
            }
        }
        throw new IllegalStateException("cannot find coreml_oracle.py");
    }

    static Path tempDir() throws IOException {
        Path dir = Files.createTempDirectory("torch4j-coreml-test");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        return dir;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
