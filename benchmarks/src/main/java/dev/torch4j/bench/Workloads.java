package dev.torch4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the benchmark workloads live, and making them when missing. Files are never committed:
 * they are generated reproducibly (fixed seeds and shapes) into a cache directory, by real PyTorch
 * ({@code /usr/bin/python3} running {@code make_workloads.py}) when it is installed.
 *
 * <p>Directory: system property {@code torch4j.bench.dir}, else environment variable
 * {@code TORCH4J_BENCH_DIR} (inherited by JMH forks), else {@code benchmarks/target/workloads}.
 * Size: system property {@code torch4j.bench.scale} (default 1.0 = full size) multiplies the first
 * dimension of every shape.
 */
public final class Workloads {
    public static final List<String> NAMES = List.of("large", "many", "legacy", "pickle", "safetensors");
    static final String PYTHON = "/usr/bin/python3";

    private Workloads() {}

    public static Path dir() {
        String dir = System.getProperty("torch4j.bench.dir", System.getenv("TORCH4J_BENCH_DIR"));
        if (dir != null && !dir.isEmpty()) return Paths.get(dir).toAbsolutePath();
        Path fromRoot = Paths.get("benchmarks", "target", "workloads");
        if (Files.isDirectory(Paths.get("benchmarks"))) return fromRoot.toAbsolutePath();
        return Paths.get("target", "workloads").toAbsolutePath();
    }

    public static double scale() {
        return Double.parseDouble(System.getProperty("torch4j.bench.scale", "1.0"));
    }

    /** The file of a workload (or {@code tiny}, the 1 MiB reference), generating all of them first if needed. */
    public static Path file(String name) {
        Path dir = dir();
        try {
            if (!Files.exists(dir.resolve("workloads.json"))) generate(dir, scale());
            Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\\s*\\{\"file\":\\s*\"([^\"]+)\"")
                    .matcher(Files.readString(dir.resolve("workloads.json")).replaceAll("\\s+", ""));
            if (!m.find()) throw new IllegalArgumentException("no workload " + name + " in " + dir);
            return dir.resolve(m.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes every workload into {@code dir}: with PyTorch when present, else with torch4j's writer. */
    public static void generate(Path dir, double scale) throws IOException {
        Files.createDirectories(dir);
        Path script = findScript();
        if (!Boolean.getBoolean("torch4j.bench.useWriter") && script != null && pytorchPresent()) {
            run(List.of(PYTHON, script.toString(), dir.toString(), "--scale", String.format(Locale.ROOT, "%s", scale)));
        } else {
            WriterWorkloads.generate(dir, scale);
        }
    }

    static boolean pytorchPresent() {
        if (!Files.isExecutable(Paths.get(PYTHON))) return false;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Path findScript() {
        for (Path p : List.of(Paths.get("benchmarks/src/main/python/make_workloads.py"),
                Paths.get("src/main/python/make_workloads.py"))) {
            if (Files.isRegularFile(p)) return p.toAbsolutePath();
        }
        return null;
    }

    private static void run(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            if (p.waitFor() != 0) throw new IOException("failed (" + p.exitValue() + "): " + command);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }

    /** {@code java -cp benchmarks.jar dev.torch4j.bench.Workloads [DIR]}: generates the workloads. */
    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Paths.get(args[0]) : dir();
        generate(dir, scale());
        System.out.println("workloads in " + dir);
    }
}
