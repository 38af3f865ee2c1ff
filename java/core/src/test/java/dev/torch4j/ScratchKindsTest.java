package dev.torch4j;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.stream.Stream;

class ScratchKindsTest {
    @Test
    void histogram() throws Exception {
        Map<String, Integer> hist = new TreeMap<>();
        Map<String, String> sample = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("zip", "legacy", "pickle", "torchscript", "mobile")) {
            try (Stream<Path> s = Files.list(Fixtures.root().resolve(dir))) { s.filter(p -> !p.toString().endsWith(".json")).forEach(files::add); }
        }
        try (Stream<Path> s = Files.list(Fixtures.root().resolveSibling("format"))) { s.forEach(files::add); }
        Path tmp = Files.createTempDirectory("scratch");
        for (Path f : files) {
            byte[] data = Files.readAllBytes(f);
            int step = Math.max(1, data.length / 40);
            for (int n = 0; n < data.length; n += step) {
                Path p = tmp.resolve("c.pt");
                Files.write(p, Arrays.copyOf(data, n));
                TorchFileException e = null;
                try (Checkpoint c = Torch.open(p)) {
                    for (Tensor t : c.tensors().values()) t.sha256();
                } catch (TorchFileException x) { e = x; }
                catch (UncheckedIOException x) { if (x.getCause() instanceof TorchFileException t) e = t; }
                if (e == null) continue;
                String key = e.kind() + (e.offset() < 0 ? " NOOFFSET" : "") + " " + e.reason().replaceAll("[0-9]+", "N").substring(0, Math.min(60, e.reason().replaceAll("[0-9]+", "N").length()));
                hist.merge(key, 1, Integer::sum);
                sample.putIfAbsent(key, f.getFileName() + ": " + e.getMessage());
            }
        }
        hist.forEach((k, v) -> System.out.println("HIST " + v + "\t" + k + "\t| " + sample.get(k)));
    }
}
