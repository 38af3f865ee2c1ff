package dev.torch4j.testing;

import dev.torch4j.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fixtures written by real PyTorch ({@code src/test/python/gen_fixtures.py}) and what PyTorch
 * saw in them ({@code expected.json}). Found on disk from any module's working directory, because
 * readers need real files (test-jar resources are not files).
 */
public final class Fixtures {
    /** Written by the malicious fixtures' payload if it ever ran. */
    public static final Path MARKER = Path.of("/tmp/torch4j-pwned-marker");

    private Fixtures() {}

    /** {@code java/core/src/test/resources/fixtures}, found by walking up from the working directory. */
    public static Path root() {
        Path rel = Path.of("java", "core", "src", "test", "resources", "fixtures");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(rel))) return dir.resolve(rel);
        }
        throw new IllegalStateException("fixtures not found above " + Path.of("").toAbsolutePath());
    }

    public static Path file(String relative) {
        return root().resolve(relative);
    }

    /** One fixture's expectations. */
    public record Expected(String file, String format, String loadedBy, boolean unsafe,
                           List<ExpectedTensor> tensors, String scanVerdict, List<Map<String, Object>> findings) {
        public Path path() { return Fixtures.file(file); }
        @Override public String toString() { return file; }
    }

    public record ExpectedTensor(String path, String dtype, List<Long> shape, String sha256) {}

    @SuppressWarnings("unchecked")
    public static List<Expected> expected() {
        try {
            Map<String, Object> all = (Map<String, Object>) Json.parse(Files.readString(root().resolve("expected.json")));
            List<Expected> out = new ArrayList<>();
            for (Map.Entry<String, Object> e : all.entrySet()) {
                Map<String, Object> v = (Map<String, Object>) e.getValue();
                List<ExpectedTensor> tensors = new ArrayList<>();
                for (Object o : (List<Object>) v.get("tensors")) {
                    Map<String, Object> t = (Map<String, Object>) o;
                    tensors.add(new ExpectedTensor((String) t.get("path"), (String) t.get("dtype"),
                            (List<Long>) t.get("shape"), (String) t.get("sha256")));
                }
                Map<String, Object> scan = (Map<String, Object>) v.get("scan");
                out.add(new Expected(e.getKey(), (String) v.get("format"), (String) v.get("loaded_by"),
                        Boolean.TRUE.equals(v.get("unsafe")), tensors, (String) scan.get("verdict"),
                        (List<Map<String, Object>>) scan.get("findings")));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the reference PyTorch is installed: see {@link ReferencePython}. */
    public static boolean referencePytorchAvailable() {
        return ReferencePython.torchAvailable();
    }
}
