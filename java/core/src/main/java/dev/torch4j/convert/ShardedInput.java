package dev.torch4j.convert;

import dev.torch4j.ErrorKind;
import dev.torch4j.Torch;
import dev.torch4j.Checkpoint;
import dev.torch4j.TorchFileException;
import dev.torch4j.json.Json;
import dev.torch4j.json.JsonException;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face sharded checkpoint: {@code *.index.json} whose {@code weight_map} names, for each
 * tensor, the shard ({@code .bin} or {@code .safetensors}) beside it that holds it.
 */
final class ShardedInput {
    /** Index files are small; anything bigger is not one. */
    private static final long MAX_INDEX_BYTES = 64L << 20;

    private ShardedInput() {}

    static boolean isIndex(Path file) {
        return file.getFileName().toString().endsWith(".index.json");
    }

    /**
     * Opens every shard (added to {@code opened}, for the caller to close) and returns the tensors
     * in shard order, each shard's tensors in file order.
     */
    static Map<String, Tensor> read(Path index, List<Checkpoint> opened) throws IOException {
        String file = index.toString();
        long size = Files.size(index);
        if (size > MAX_INDEX_BYTES) throw new TorchFileException(ErrorKind.LIMIT, file, null, 0, "index file of " + size + " bytes is too large");
        Object root;
        try {
            root = Json.parse(Files.readString(index));
        } catch (JsonException e) {
            throw new TorchFileException(file, null, e.offset(), e.reason(), e);
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("weight_map") instanceof Map<?, ?> weightMap)) {
            throw new TorchFileException(file, null, 0, "not a Hugging Face index: no weight_map object");
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        LinkedHashSet<String> shards = new LinkedHashSet<>();
        for (Map.Entry<?, ?> e : weightMap.entrySet()) {
            if (!(e.getValue() instanceof String shard)) {
                throw new TorchFileException(file, null, -1, "weight_map entry " + e.getKey() + " is not a file name");
            }
            // Shards lie beside the index: a path that climbs out of the folder is refused.
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..") || shard.equals(".")) {
                throw new TorchFileException(file, null, -1, "weight_map entry " + e.getKey() + " names shard '" + shard
                        + "' outside the index's folder");
            }
            wanted.put((String) e.getKey(), shard);
            shards.add(shard);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Path dir = index.toAbsolutePath().getParent();
        for (String shard : shards) {
            Checkpoint cp = Torch.open(dir.resolve(shard));
            opened.add(cp);
            for (Map.Entry<String, Tensor> e : cp.stateDict().entrySet()) {
                if (shard.equals(wanted.get(e.getKey()))) tensors.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!tensors.containsKey(e.getKey())) {
                throw new TorchFileException(file, null, -1, "tensor " + e.getKey() + " is not in shard " + e.getValue());
            }
        }
        return tensors;
    }
}
