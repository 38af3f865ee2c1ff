package dev.torch4j.format;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25's long tail, against what numpy and PyTorch 1.13 saw when gen_tail2_fixtures.py wrote the
 * files: string arrays read as the values numpy's tolist() gives (their .npz still reads, numeric
 * members as tensors), object arrays with the tensors inside them named, and a bytecode v4 .ptl whose
 * bytecode.pkl tensors live under bytecode/.
 */
class Longtail2FixturesTest {
    static final Path DIR = Paths.get("src/test/resources/fixtures/longtail2");

    @TestFactory
    List<DynamicTest> everyFixtureAsPythonSawIt() throws Exception {
        return LongtailFixturesTest.perFixture(DIR, (file, want) -> {
            String name = file.getFileName().toString();
            try (Checkpoint cp = Torch.open(file)) {
                if (want.get("values") instanceof Map<?, ?> values) {
                    for (Map.Entry<?, ?> v : values.entrySet()) {
                        Object got = "".equals(v.getKey()) ? cp.root() : ((Map<?, ?>) cp.root()).get(v.getKey());
                        assertEquals(v.getValue(), asText(got), name + " " + v.getKey());
                    }
                }
                if (want.containsKey("bytecode_version")) {
                    assertEquals(want.get("bytecode_version"), cp.metadata().get("mobile.bytecode_version"));
                }
            }
        });
    }

    /** bytes values as latin-1 text, the way the generator wrote them into JSON. */
    private static Object asText(Object o) {
        if (o instanceof byte[] b) return new String(b, StandardCharsets.ISO_8859_1);
        if (o instanceof List<?> l) return l.stream().map(Longtail2FixturesTest::asText).toList();
        return o;
    }

    @Test
    void stringArraysHaveNoTensorInTheTensorApi() {
        TorchFileException ex = assertThrows(TorchFileException.class,
                () -> dev.torch4j.numpy.NpyFile.read(DIR.resolve("npy_unicode_2d.npy")));
        assertTrue(ex.getMessage().contains("<U3 string array"), ex.getMessage());
    }

    @Test
    void truncatedStringDataNamesTheEntryAndOffset() throws Exception {
        byte[] npy = Files.readAllBytes(DIR.resolve("npy_unicode_2d.npy"));
        Path cut = Files.createTempFile("cut", ".npy");
        try {
            Files.write(cut, java.util.Arrays.copyOf(npy, npy.length - 5));
            TorchFileException ex = assertThrows(TorchFileException.class, () -> Torch.open(cut).close());
            assertTrue(ex.getMessage().contains(cut.toString()) && ex.getMessage().contains("truncated"), ex.getMessage());
        } finally {
            Files.deleteIfExists(cut);
        }
    }
}
