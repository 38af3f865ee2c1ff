package dev.torch4j;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every fixture PyTorch wrote must read as PyTorch read it: the format, and exactly its tensor
 * paths, dtypes, shapes and element hashes ({@code expected.json}). Malicious fixtures must be
 * refused by default and never run their payload.
 */
class FixturesTest {
    static Stream<Fixtures.Expected> fixtures() {
        return Fixtures.expected().stream();
    }

    static Stream<Fixtures.Expected> safeFixtures() {
        return fixtures().filter(e -> !e.unsafe());
    }

    static Stream<Fixtures.Expected> unsafeFixtures() {
        return fixtures().filter(Fixtures.Expected::unsafe);
    }

    @BeforeEach void noMarkerYet() throws Exception {
        Files.deleteIfExists(Fixtures.MARKER);
    }

    @ParameterizedTest(name = "{0}") @MethodSource("safeFixtures")
    void readsLikePytorch(Fixtures.Expected expected) throws Exception {
        try (Checkpoint cp = Torch.open(expected.path())) {
            assertEquals(expected.format(), cp.format().id(), "format");
            assertTensorsMatch(expected, cp.tensors());
        }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("safeFixtures")
    void loadGivesTheSameTreeAsOpen(Fixtures.Expected expected) throws Exception {
        Object root = Torch.load(expected.path());
        try (Checkpoint cp = Torch.open(expected.path())) {
            assertNotNull(root);
            assertEquals(cp.root().getClass(), root.getClass());
        }
    }

    @ParameterizedTest(name = "{0}") @MethodSource("unsafeFixtures")
    void refusesDangerousGlobalsByDefault(Fixtures.Expected expected) throws Exception {
        UnsafePickleException e = assertThrows(UnsafePickleException.class, () -> Torch.open(expected.path()).close());
        Map<String, Object> finding = expected.findings().get(0);
        assertEquals(finding.get("global"), e.global());
        assertTrue(e.getMessage().contains(expected.path().toString()), e.getMessage());
        assertThrows(UnsafePickleException.class, () -> Torch.load(expected.path()));
        assertFalse(Files.exists(Fixtures.MARKER), "payload ran");
    }

    @ParameterizedTest(name = "{0}") @MethodSource("unsafeFixtures")
    void loadsDangerousFilesInertlyWhenAllowed(Fixtures.Expected expected) throws Exception {
        try (Checkpoint cp = Torch.open(expected.path(), LoadOptions.DEFAULT.withUnsafeGlobalsAllowed())) {
            assertEquals(expected.format(), cp.format().id(), "format");
            assertTensorsMatch(expected, cp.tensors());
        }
        assertFalse(Files.exists(Fixtures.MARKER), "payload ran");
    }

    @Test void fixtureSetCoversEveryFormatAndStaysSmall() throws Exception {
        List<String> formats = fixtures().map(Fixtures.Expected::format).distinct().sorted().toList();
        assertEquals(List.of("legacy", "mobile", "pickle", "torchscript", "zip"), formats);
        long bytes;
        try (Stream<java.nio.file.Path> files = Files.walk(Fixtures.root())) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(bytes < 2_000_000, "fixtures take " + bytes + " bytes");
    }

    /** Order matters where PyTorch's order is the file's; TorchScript state_dict order is PyTorch's own walk. */
    static void assertTensorsMatch(Fixtures.Expected expected, Map<String, Tensor> actual) {
        Map<String, String> want = new LinkedHashMap<>();
        for (Fixtures.ExpectedTensor t : expected.tensors()) {
            want.put(t.path(), t.dtype() + " " + t.shape() + " " + t.sha256());
        }
        Map<String, String> got = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : actual.entrySet()) {
            Tensor t = e.getValue();
            got.put(e.getKey(), t.dtype().pythonName() + " " + shapeList(t) + " " + t.sha256());
        }
        assertEquals(want, got, "tensors (path -> dtype shape sha256)");
        boolean ordered = !expected.format().equals("torchscript") && !expected.format().equals("mobile");
        if (ordered) {
            assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()), "tensor order");
        }
    }

    private static List<Long> shapeList(Tensor t) {
        return Arrays.stream(t.shape()).boxed().toList();
    }
}
