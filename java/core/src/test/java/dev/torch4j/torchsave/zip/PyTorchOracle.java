package dev.torch4j.torchsave.zip;

import dev.torch4j.testing.ReferencePython;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real PyTorch as the test oracle for the writer tests: {@link ReferencePython} plus the writer's
 * oracle script. Tests call {@link #assumeAvailable()} first.
 */
public final class PyTorchOracle {
    public static final String PYTHON = ReferencePython.interpreter().toString();

    private PyTorchOracle() {}

    public static boolean available() {
        return ReferencePython.torchAvailable();
    }

    public static void assumeAvailable() {
        ReferencePython.require();
    }

    /** Runs a Python script (source text) with arguments; returns stdout, fails the test on a non-zero exit. */
    public static String python(String script, String... args) {
        return ReferencePython.runSource(script, args);
    }

    static String oracleScript() {
        try (InputStream in = PyTorchOracle.class.getResourceAsStream("/dev/torch4j/writer/oracle.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One tensor as PyTorch sees it. */
    public record PyTensor(String path, String dtype, List<Long> shape, boolean requiresGrad, boolean parameter,
                           String storage, String sha256, List<String> values) {
        public double value(int i) {
            String v = values.get(i);
            return switch (v) {
                case "nan" -> Double.NaN;
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(v);
            };
        }
    }

    /** What PyTorch loaded: tensors by path, other leaves (type and repr), containers (type). */
    public record Description(Map<String, PyTensor> tensors, Map<String, String> values,
                              Map<String, String> containers, List<String> lines) {}

    /** @param mode {@code weights_only}, {@code full} or {@code safetensors} */
    public static Description describe(Path file, String mode) {
        return parse(python(oracleScript(), "describe", file.toString(), mode).lines().toList());
    }

    /** Describes many files in one Python process ({@code weights_only} or {@code full}). */
    public static Map<Path, Description> describeAll(List<Path> files, String mode) {
        Map<Path, Description> out = new LinkedHashMap<>();
        if (files.isEmpty()) return out;
        List<String> args = new ArrayList<>(List.of("describe-many", mode));
        files.forEach(f -> args.add(f.toString()));
        List<String> lines = python(oracleScript(), args.toArray(String[]::new)).lines().toList();
        int start = -1;
        for (int i = 0; i <= lines.size(); i++) {
            if (i == lines.size() || lines.get(i).startsWith("F\t")) {
                if (start >= 0) out.put(Path.of(lines.get(start).substring(2)), parse(lines.subList(start + 1, i)));
                start = i;
            }
        }
        if (out.size() != files.size()) throw new AssertionError("oracle described " + out.keySet() + ", asked " + files);
        return out;
    }

    private static Description parse(List<String> lines) {
        Map<String, PyTensor> tensors = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> containers = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "T" -> tensors.put(f[1], new PyTensor(f[1], f[2], parseShape(f[3]), Boolean.parseBoolean(f[4].toLowerCase()),
                        Boolean.parseBoolean(f[5].toLowerCase()), f[6], f[7], f[8].isEmpty() ? List.of() : List.of(f[8].split(" "))));
                case "V" -> values.put(f[1], f[2] + ":" + f[3]);
                case "C" -> containers.put(f[1], f[2] + ":" + f[3]);
                default -> { }
            }
        }
        return new Description(tensors, values, containers, lines);
    }

    /** PyTorch loads {@code file} (weights_only=False) and torch.saves it to {@code out}. */
    public static void resave(Path file, Path out) {
        python(oracleScript(), "resave", file.toString(), out.toString());
    }

    static List<Long> parseShape(String json) {
        String inner = json.substring(1, json.length() - 1).trim();
        List<Long> shape = new ArrayList<>();
        if (!inner.isEmpty()) for (String s : inner.split(",")) shape.add(Long.parseLong(s.trim()));
        return shape;
    }

    /** Writes a Python script into {@code dir} and runs it there with the given arguments. */
    public static String runScript(Path dir, String script, String... args) throws IOException {
        Path file = Files.createTempFile(dir, "gen", ".py");
        Files.writeString(file, script);
        List<String> all = new ArrayList<>();
        all.add(file.toString());
        all.addAll(List.of(args));
        return python("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                all.toArray(new String[0]));
    }
}
