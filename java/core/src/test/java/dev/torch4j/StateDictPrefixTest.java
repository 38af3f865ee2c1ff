package dev.torch4j;

import dev.torch4j.json.Json;
import dev.torch4j.safetensors.SafetensorsWriter;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API gaps from issue 13: {@code stateDict(prefix)}, and safetensors' {@code format: pt} metadata by default. */
class StateDictPrefixTest {
    @TempDir Path dir;

    @SuppressWarnings("unchecked")
    @Test void lightningPrefixIsRemovedWithPyTorchsValues() throws Exception {
        Map<String, Object> expected = (Map<String, Object>) Json.parse(Files.readString(Fixtures.file("expected.json")));
        List<Object> tensors = (List<Object>) ((Map<String, Object>) expected.get("zip/lightning.ckpt")).get("tensors");
        try (Checkpoint cp = Torch.open(Fixtures.file("zip/lightning.ckpt"))) {
            Map<String, Tensor> sd = cp.stateDict("model.");
            int checked = 0;
            for (Object o : tensors) {
                Map<String, Object> t = (Map<String, Object>) o;
                String path = (String) t.get("path");
                if (!path.startsWith("state_dict.model.")) continue;
                String name = path.substring("state_dict.model.".length());
                assertEquals(t.get("sha256"), sd.get(name).sha256(), name); // sha256 as PyTorch computed it
                checked++;
            }
            assertEquals(sd.size(), checked);
            assertTrue(checked > 0);
            assertFalse(sd.keySet().stream().anyMatch(k -> k.startsWith("model.")));
            assertEquals(cp.stateDict(), cp.stateDict(""));
        }
    }

    @SuppressWarnings("unchecked")
    @Test void safetensorsWriterWritesFormatPtByDefault() throws Exception {
        Path out = dir.resolve("m.safetensors");
        try (Checkpoint cp = Torch.open(Fixtures.file("zip/mlp_state_dict.pt"))) {
            new SafetensorsWriter().write(cp.stateDict(), out);
        }
        byte[] b = Files.readAllBytes(out);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Map<String, Object> header = (Map<String, Object>) Json.parse(new String(b, 8, (int) n, StandardCharsets.UTF_8));
        assertEquals(Map.of("format", "pt"), header.get("__metadata__"));
    }
}
