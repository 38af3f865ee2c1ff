package dev.torch4j.cli;

import dev.torch4j.json.Json;
import dev.torch4j.testing.ReferencePython;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code inspect --json --hash} hashes tensors on every processor: the hashes must still be numpy's
 * own bytes through Python's hashlib, and the rows must keep the file's order.
 */
class ParallelHashInspectTest {
    /**
     * A dict of many numpy arrays (keys deliberately unsorted; sizes from empty to 12 MB, 36 MB in
     * all, over TensorHashing's threshold for using the pool, which finishes them out of order; a
     * Fortran-order and a big-endian array take the copying path), pickled with protocol 4. Prints "key sha256" per array, in the dict's order, with the sha256
     * of the C-order little-endian bytes, as hashlib sees them.
     */
    private static final String WRITE_AND_HASH = """
            import hashlib, pickle, sys
            import numpy as np
            rng = np.random.default_rng(28)
            arrays = {}
            for i in range(40):
                n = [0, 1, 7, 1000, 65536, 1500000][i % 6]
                dtype = ['float32', 'float64', 'int64', 'int8', 'float16', 'uint8', 'bool'][i % 7]
                arrays['t%02d_%s' % ((i * 17) % 40, dtype)] = np.abs(rng.standard_normal(n) * 50).astype(dtype)
            arrays['fortran'] = np.asfortranarray(rng.standard_normal((300, 200)).astype('float32'))
            arrays['big_endian'] = rng.standard_normal(5000).astype('>f8')
            arrays['a_last'] = np.arange(12, dtype='int32').reshape(3, 4)
            with open(sys.argv[1], 'wb') as f:
                pickle.dump(arrays, f, protocol=4)
            for k, a in arrays.items():
                le = np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'))
                print(k, hashlib.sha256(le.tobytes()).hexdigest())
            """;

    @Test void parallelHashesEqualHashlibInFileOrder(@TempDir Path dir) throws Exception {
        ReferencePython.require("numpy");
        Path file = dir.resolve("arrays.pkl");
        List<String> want = ReferencePython.runSource(WRITE_AND_HASH, file.toString()).lines().toList();
        assertEquals(43, want.size(), "the script's output");

        CliRun run = CliRun.of("inspect", "--json", "--hash", file.toString());
        assertEquals(0, run.exit(), run::toString);
        List<String> got = new ArrayList<>();
        for (Object o : (List<?>) ((Map<?, ?>) Json.parse(run.out())).get("tensors")) {
            Map<?, ?> t = (Map<?, ?>) o;
            got.add(t.get("path") + " " + t.get("sha256"));
        }
        assertEquals(want, got, "same hashes as hashlib, in the pickle's order");
    }

    @Test void overLimitNamesTheFirstOffenderInFileOrder(@TempDir Path dir) throws Exception {
        ReferencePython.require("numpy");
        Path file = dir.resolve("arrays.pkl");
        ReferencePython.runSource(WRITE_AND_HASH, file.toString());
        // 7 elements of int64 are 56 bytes: over a 50-byte limit, while the earlier ones are not.
        CliRun run = CliRun.of("inspect", "--json", "--hash", "--max-hash-bytes", "50", file.toString());
        assertNotEquals(0, run.exit(), run::toString);
        assertTrue(run.err().contains("tensor t34_int64 has 56 logical bytes"), run::toString);
        assertEquals("", run.out());
    }
}
