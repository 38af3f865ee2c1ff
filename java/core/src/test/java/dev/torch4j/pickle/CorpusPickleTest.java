package dev.torch4j.pickle;

import dev.torch4j.python.PyObject;
import dev.torch4j.TorchFileException;
import dev.torch4j.numpy.NumpyArray;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real-world plain pickles from the shared corpus (skipped when the corpus is absent). */
class CorpusPickleTest {
    @TestFactory
    Stream<DynamicTest> plainPicklesLoad() throws Exception {
        Path corpus = PickleFixtures.corpus();
        assumeTrue(corpus != null && Files.isDirectory(corpus.resolve("pickle")), "shared corpus not present");
        try (Stream<Path> files = Files.list(corpus.resolve("pickle"))) {
            return files.sorted().toList().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                byte[] data = Files.readAllBytes(f);
                Object value = PickleFixtures.load(data, PickleFixtures.config(f.toString(), false));
                // numpy arrays of numeric dtypes all became tensors whose bytes match their shape
                for (Object o : reachable(value)) {
                    if (o instanceof NumpyArray a) assertTrue(a.dtype().toDType() == null, "numeric array left as placeholder: " + a);
                    if (o instanceof Tensor t) assertEquals(bytes(t), TensorBytes.rowMajorLittleEndian(t).length);
                }
                ScanResult r = ModelScanner.scan(f.toString(), data);
                assertNull(r.error());
                assertTrue(r.dangerous().isEmpty(), r.findings().toString());
            }));
        }
    }

    @Test
    void joblibPickleFailsClearly() throws Exception {
        Path corpus = PickleFixtures.corpus();
        assumeTrue(corpus != null && Files.isDirectory(corpus.resolve("other")), "shared corpus not present");
        Path f = corpus.resolve("other/gagneurlab__MMSplice_MTSplice__linear_model.pkl");
        assumeTrue(Files.exists(f));
        TorchFileException e = assertThrows(TorchFileException.class,
                () -> PickleFixtures.load(Files.readAllBytes(f), PickleFixtures.config(f.toString(), false)));
        assertTrue(e.offset() > 0, e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("opcode"), e.getMessage());
    }

    private static long bytes(Tensor t) {
        long n = t.dtype().itemSize();
        for (long s : t.shape()) n *= s;
        return n;
    }

    /** Every object reachable from {@code root}, each once (recursive structures are fine). */
    private static Collection<Object> reachable(Object root) {
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        if (root != null) todo.push(root);
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (seen.put(o, Boolean.TRUE) != null) continue;
            if (o instanceof Collection<?> c) c.forEach(x -> { if (x != null) todo.push(x); });
            if (o instanceof Map<?, ?> m) m.forEach((k, v) -> { if (k != null) todo.push(k); if (v != null) todo.push(v); });
            if (o instanceof PyObject p) {
                todo.push(p.args());
                if (p.state() != null) todo.push(p.state());
                todo.push(p.listItems());
                todo.push(p.dictItems());
            }
        }
        return seen.keySet();
    }
}
