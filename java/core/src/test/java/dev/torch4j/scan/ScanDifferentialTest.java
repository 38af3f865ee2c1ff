package dev.torch4j.scan;

import dev.torch4j.json.Json;
import dev.torch4j.testing.ReferencePython;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The differential harness: gen_scan_differential.py writes hundreds of payloads across encodings
 * (protocols 0-5, INST, OBJ, memo, partial, partial state), containers (raw pickle, torch.save zip,
 * legacy with the magic number spelled five ways, v7 and ustar tars, .npy with object dtypes spelled
 * three ways, .npz by name and by magic, joblib plain and compressed four ways), gadgets of the
 * standard library and the Debian-packaged libraries, nested loaders and BUILD abuse, and keeps
 * only those it proved to fire under the real loader (PyTorch 1.13, pickle, numpy, joblib) in a
 * forked child's sandbox; plus benign twins that load without touching anything. No firing payload
 * may be clean (the scan exits non-zero for each), no benign twin dangerous.
 */
class ScanDifferentialTest {
    @Test
    void firingPayloadsAreNeverCleanAndTwinsNeverDangerous(@TempDir Path dir) throws Exception {
        ReferencePython.require("torch", "numpy", "joblib", "dill", "pandas"); // gadgets of other packages are dropped when absent
        Path script = dev.torch4j.testing.Fixtures.root().resolve("../../python/gen_scan_differential.py").normalize();
        ReferencePython.runScript(script, dir.toString());
        List<?> cases = (List<?>) Json.parse(Files.readString(dir.resolve("cases.json")));
        List<String> missed = new ArrayList<>();
        List<String> falseAlarms = new ArrayList<>();
        Map<String, int[]> byFamily = new TreeMap<>(); // family -> [firing, dangerous, unknown or unreadable, benign]
        int firing = 0;
        for (Object o : cases) {
            Map<?, ?> c = (Map<?, ?>) o;
            String file = (String) c.get("file");
            String family = (String) c.get("family");
            ScanResult r = ModelScanner.scan(dir.resolve(file));
            int[] n = byFamily.computeIfAbsent(family, k -> new int[4]);
            if (c.get("kind").equals("firing")) {
                firing++;
                n[0]++;
                if (r.verdict() == Verdict.DANGEROUS) n[1]++;
                else n[2]++;
                if (r.verdict() == Verdict.CLEAN || r.verdict() == Verdict.SKIPPED) missed.add(file + " " + r);
            } else {
                n[3]++;
                if (r.verdict() == Verdict.DANGEROUS) falseAlarms.add(file + " " + r.dangerous());
            }
        }
        StringBuilder table = new StringBuilder();
        byFamily.forEach((f, n) -> table.append(String.format("%-32s firing %3d (dangerous %3d, other %3d), benign %3d%n", f, n[0], n[1], n[2], n[3])));
        System.out.println(table);
        assertTrue(firing >= 300, "only " + firing + " payloads fired:\n" + table);
        assertTrue(byFamily.keySet().stream().filter(f -> f.startsWith("container/")).count() >= 15, table::toString);
        assertEquals(List.of(), missed, "firing payloads rated clean");
        // Not clean is the guarantee; evidence is the aim: all but the few containers the JDK cannot
        // decode (bz2, xz joblib dumps: unreadable) are dangerous, with a chain.
        int dangerous = byFamily.values().stream().mapToInt(n -> n[1]).sum();
        assertTrue(dangerous >= firing * 0.95, dangerous + " of " + firing + " firing payloads dangerous:\n" + table);
        assertEquals(List.of(), falseAlarms, "benign twins rated dangerous");
    }
}
