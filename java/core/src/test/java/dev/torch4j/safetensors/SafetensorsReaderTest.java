package dev.torch4j.safetensors;

import dev.torch4j.TorchFileException;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile and malformed safetensors headers fail with TorchFileException naming the problem. */
class SafetensorsReaderTest {
    @TempDir Path dir;

    private Path file(long declaredLength, String header, int dataBytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
        out.write(header.getBytes(StandardCharsets.UTF_8));
        out.write(new byte[dataBytes]);
        Path p = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(p, out.toByteArray());
        return p;
    }

    private Path file(String header, int dataBytes) throws Exception {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private void rejects(Path p, String fragment) {
        TorchFileException e = assertThrows(TorchFileException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    }

    @Test void malformedInputs() throws Exception {
        rejects(file(0, "", 0).resolveSibling(Files.writeString(dir.resolve("short"), "abc").getFileName()), "too short");
        rejects(file(1L << 40, "{}", 0), "does not fit");
        rejects(file(-1L, "{}", 0), "does not fit");
        rejects(file("[1]", 0), "start with '{'");
        rejects(file("{\"a\": ", 0), "header JSON");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "outside");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12");
        rejects(file("{\"a\":{\"dtype\":\"X9\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "unknown dtype");
        rejects(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", 1), "non-negative");
        rejects(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1.5],\"data_offsets\":[0,1]}}", 1), "non-negative");
        rejects(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}", 4), "overlaps");
        rejects(file("{\"__metadata__\":{\"k\":1}}", 0), "not a string");
        rejects(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,1]}}", 1), "too large");
        rejects(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}", 1), "data_offsets");
        rejects(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{}}", 1), "header JSON");
    }

    @Test void roundTripThroughOwnReaderKeepsBytes() throws Exception {
        Tensor w = Tensors.of(new float[]{1, 2, 3, 4}, 2, 2);
        Path p = dir.resolve("rt.safetensors");
        SafetensorsWriter.save(Map.of("w", w, "b", Tensors.of(new long[]{5}, 1)), p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(w.toByteArray(), f.tensors().get("w").toByteArray());
            assertEquals(0, (8 + f.headerSize()) % 8);
            assertEquals(java.util.List.of("b", "w"), java.util.List.copyOf(f.tensors().keySet()), "int64 first: wider dtype");
        }
    }
}
