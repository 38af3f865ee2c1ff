package dev.torch4j.cli;

import dev.torch4j.json.Json;
import dev.torch4j.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code torch4j convert}: exit codes, messages, --json, --force, and the written file's content. */
class ConvertCommandTest {
    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "convert";
        System.arraycopy(args, 0, all, 1, args.length);
        CliRun r = CliRun.of(all);
        return new Run(r.exit(), r.out(), r.err());
    }

    private static Path fixture(String name) throws Exception {
        return dev.torch4j.testing.Fixtures.file(name);
    }

    @SuppressWarnings("unchecked")
    @Test void convertsLightningStateDictToSafetensorsWithJsonSummary() throws Exception {
        Path out = dir.resolve("model.safetensors");
        Run r = run(fixture("zip/lightning.ckpt").toString(), out.toString(), "--state-dict", "--strip-prefix", "model.", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err(), "no progress output when stderr is not a terminal");
        Map<String, Object> summary = (Map<String, Object>) Json.parse(r.out());
        assertEquals(9L, summary.get("tensors"));
        assertEquals(Files.size(out), summary.get("bytes"));
        assertTrue(summary.containsKey("seconds") && summary.containsKey("dropped") && summary.containsKey("copied"));
        // Values as PyTorch computed them (fixtures/expected.json).
        Map<String, Object> expected = (Map<String, Object>) Json.parse(Files.readString(fixture("expected.json")));
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            for (Object t : (java.util.List<Object>) ((Map<String, Object>) expected.get("zip/lightning.ckpt")).get("tensors")) {
                Map<String, Object> m = (Map<String, Object>) t;
                String path = (String) m.get("path");
                if (!path.startsWith("state_dict.model.")) continue;
                assertEquals(m.get("sha256"), f.tensors().get(path.substring("state_dict.model.".length())).sha256(), path);
            }
        }
    }

    @Test void refusesOverwriteUnlessForced() throws Exception {
        Path out = dir.resolve("m.pt");
        Files.writeString(out, "old");
        Run r = run(fixture("zip/mlp_state_dict.pt").toString(), out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("torch4j: ") && r.err().contains("--force"), r.err());
        assertEquals("old", Files.readString(out));
        Run forced = run(fixture("zip/mlp_state_dict.pt").toString(), out.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertTrue(forced.out().startsWith("wrote 9 tensors"), forced.out());
    }

    @Test void errorsExitWithTwo() throws Exception {
        Run noFormat = run(fixture("zip/mlp_state_dict.pt").toString(), dir.resolve("out.xyz").toString());
        assertEquals(2, noFormat.code());
        assertTrue(noFormat.err().contains("--to"), noFormat.err());
        Run badDtype = run(fixture("zip/mlp_state_dict.pt").toString(), dir.resolve("o.pt").toString(), "--dtype", "int8");
        assertEquals(2, badDtype.code());
        Run missing = run(dir.resolve("nope.pt").toString(), dir.resolve("o2.pt").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("torch4j: "), missing.err());
        Run module = run(fixture("zip/whole_module.pt").toString(), dir.resolve("o3.pt").toString());
        assertEquals(2, module.code());
        assertTrue(module.err().contains("--state-dict"), module.err());
        Run badSize = run(fixture("zip/mlp_state_dict.pt").toString(), dir.resolve("o4.pt").toString(), "--max-shard-size", "lots");
        assertEquals(2, badSize.code());
    }

    @Test void shardsWithMaxShardSize() throws Exception {
        Path out = dir.resolve("model.safetensors");
        Run r = run(fixture("zip/mlp_state_dict.pt").toString(), out.toString(), "--max-shard-size", "600B", "--to", "safetensors");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("model.safetensors.index.json")));
        Run merged = run(dir.resolve("model.safetensors.index.json").toString(), dir.resolve("merged.pt").toString(), "--dtype", "bfloat16");
        assertEquals(0, merged.code(), merged.err());
    }
}
