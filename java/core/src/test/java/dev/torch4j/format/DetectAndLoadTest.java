package dev.torch4j.format;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteSource;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code Torch.detect} against the formats PyTorch's generator recorded for the format fixtures,
 * and {@code Torch.load} holding no descriptor once it returns.
 */
class DetectAndLoadTest {
    private static final Path DIR = Paths.get("src/test/resources/format");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> expected() throws IOException {
        return (Map<String, Object>) dev.torch4j.json.Json.parse(Files.readString(DIR.resolve("expected.json")));
    }

    @Test void detectNamesTheFormatPyTorchWrote() throws Exception {
        int checked = 0;
        for (Map.Entry<String, Object> e : expected().entrySet()) {
            @SuppressWarnings("unchecked") Map<String, Object> want = (Map<String, Object>) e.getValue();
            Path file = DIR.resolve(e.getKey());
            if (!(want.get("format") instanceof String format)) continue;
            assertEquals(format, Torch.detect(file).id(), e.getKey());
            byte[] bytes = Files.readAllBytes(file);
            try (ByteSource source = ByteSource.of(bytes)) {
                assertEquals(format, Torch.detect(source, e.getKey()).id(), e.getKey());
            }
            assertEquals(format, Torch.detect(new HeapRegion(bytes), e.getKey()).id(), e.getKey());
            checked++;
        }
        assertTrue(checked >= 10, checked + " files checked");
    }

    @Test void detectQuotesBytesThatAreNoFormat() {
        Path garbage = DIR.resolve("garbage_text.pt");
        TorchFileException e = assertThrows(TorchFileException.class, () -> Torch.detect(garbage));
        assertEquals(garbage.toString(), e.file());
        assertTrue(e.getMessage().contains("not a PyTorch file"), e.getMessage());
    }

    @Test void detectReportsAZipAsZipWhateverItHolds() throws Exception {
        // a TorchScript archive opens as torchscript; its bytes alone say zip
        Path script = Paths.get("src/test/resources/fixtures/torchscript");
        try (Stream<Path> files = Files.list(script)) {
            Path first = files.filter(p -> p.toString().endsWith(".pt")).sorted().findFirst().orElseThrow();
            try (Checkpoint cp = Torch.open(first)) {
                assertEquals(Format.TORCHSCRIPT, cp.format());
            }
            assertEquals(Format.ZIP, Torch.detect(first));
        }
    }

    @Test void loadKeepsNoDescriptorOpen() throws Exception {
        Path file = DIR.resolve("zip_big_endian.pt").toAbsolutePath();
        assumeTrue(Files.isDirectory(Paths.get("/proc/self/fd")), "needs /proc/self/fd to list descriptors");
        try (Checkpoint cp = Torch.open(file)) {
            assertEquals(1, descriptorsOn(file), "an open checkpoint holds its file (the probe sees descriptors)");
        }
        assertEquals(0, descriptorsOn(file));

        Object root = Torch.load(file);
        assertEquals(0, descriptorsOn(file), "Torch.load returned with the file still open");
        // the tree still reads its tensors from the mapping: the bytes PyTorch saved
        @SuppressWarnings("unchecked") Map<String, Object> want = (Map<String, Object>) expected().get("zip_big_endian.pt");
        @SuppressWarnings("unchecked") Map<String, Object> first = (Map<String, Object>) ((List<Object>) want.get("tensors")).get(0);
        Tensor t = (Tensor) ((Map<?, ?>) root).get(first.get("path"));
        assertEquals(first.get("sha256"), t.sha256());
    }

    private static long descriptorsOn(Path file) throws IOException {
        Path real = file.toRealPath();
        long n = 0;
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) n++;
                } catch (IOException gone) {
                    // a descriptor closed while listing (the listing's own)
                }
            }
        }
        return n;
    }
}
