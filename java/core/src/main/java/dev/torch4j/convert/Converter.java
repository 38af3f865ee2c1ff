package dev.torch4j.convert;

import dev.torch4j.Torch;
import dev.torch4j.Checkpoint;
import dev.torch4j.json.Json;
import dev.torch4j.python.PyDict;
import dev.torch4j.safetensors.SafetensorsWriter;
import dev.torch4j.safetensors.WriteReport;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.ProgressListener;
import dev.torch4j.io.AtomicFile;
import dev.torch4j.io.OutputSet;
import dev.torch4j.torchsave.zip.TorchSaver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code torch4j convert}: any readable checkpoint (or a sharded Hugging Face index) to a
 * torch.save archive or safetensors, optionally reduced to its state dict, renamed, cast and
 * sharded. Tensor data streams from the memory-mapped inputs to the outputs.
 */
public final class Converter {
    private Converter() {}

    public static ConvertResult convert(Path in, Path out, ConvertOptions o) throws IOException {
        long start = System.nanoTime();
        OutputFormat format = o.to() != null ? o.to() : OutputFormat.fromExtension(out);
        if (format == null && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("cannot tell the output format from '" + out.getFileName()
                    + "': choose pth or safetensors");
        }
        if (Files.isDirectory(out)) {
            if (format == null) format = OutputFormat.SAFETENSORS;
            out = out.resolve(format == OutputFormat.SAFETENSORS ? "model.safetensors" : "pytorch_model.bin");
        }
        List<Checkpoint> opened = new ArrayList<>();
        try {
            Object tree = null;
            Map<String, Tensor> flat = null;
            if (ShardedInput.isIndex(in)) {
                flat = ShardedInput.read(in, opened);
            } else {
                Checkpoint cp = Torch.open(in);
                opened.add(cp);
                boolean flatMode = o.stateDict() || format == OutputFormat.SAFETENSORS || o.maxShardSize() > 0
                        || !o.stripPrefixes().isEmpty();
                if (flatMode) flat = o.stateDict() ? cp.stateDict() : cp.tensors();
                else tree = cp.root();
            }
            if (flat != null) {
                if (flat.isEmpty()) throw new IllegalArgumentException(in + ": no tensors to write");
                flat = strip(flat, o.stripPrefixes());
            }
            if (o.dtype() != null) {
                DTypeCaster caster = new DTypeCaster(o.dtype());
                if (flat != null) {
                    Map<String, Tensor> cast = new LinkedHashMap<>();
                    for (Map.Entry<String, Tensor> e : flat.entrySet()) cast.put(e.getKey(), caster.cast(e.getValue()));
                    flat = cast;
                } else {
                    tree = caster.castTree(tree);
                }
            }
            ConvertResult r = flat == null
                    ? writeTree(tree, out, o)
                    : writeFlat(flat, out, format, o);
            return new ConvertResult(r.tensors(), r.bytes(), r.dropped(), r.copied(), r.files(),
                    (System.nanoTime() - start) / 1e9);
        } finally {
            for (Checkpoint cp : opened) cp.close();
        }
    }

    static Map<String, Tensor> strip(Map<String, Tensor> tensors, List<String> prefixes) {
        if (prefixes.isEmpty()) return tensors;
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            for (String p : prefixes) if (name.startsWith(p) && name.length() > p.length()) name = name.substring(p.length());
            String previous = origin.putIfAbsent(name, e.getKey());
            if (previous != null) {
                throw new IllegalArgumentException("stripping prefixes maps both " + previous + " and " + e.getKey() + " to " + name);
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    private static ConvertResult writeTree(Object tree, Path out, ConvertOptions o) throws IOException {
        refuseExisting(List.of(out), o.force());
        try {
            new TorchSaver().overwrite(o.force()).progress(o.progress()).saveTo(tree, out);
        } catch (IllegalArgumentException e) {
            throw new NotJustTensorsException(e.getMessage() + "; convert only the state dict to write just the tensors", e);
        }
        return new ConvertResult(countTensors(tree), Files.size(out), Map.of(), List.of(), List.of(out), 0);
    }

    private static ConvertResult writeFlat(Map<String, Tensor> flat, Path out, OutputFormat format, ConvertOptions o)
            throws IOException {
        List<Map<String, Tensor>> shards = plan(flat, o.maxShardSize());
        if (shards.size() == 1) {
            refuseExisting(List.of(out), o.force());
            return writeOne(flat, out, format, o);
        }
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = format == OutputFormat.SAFETENSORS ? ".safetensors" : (dot > 0 ? name.substring(dot) : ".bin");
        Path index = out.resolveSibling(name + ".index.json");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            files.add(out.resolveSibling(String.format("%s-%05d-of-%05d%s", stem, i + 1, shards.size(), ext)));
        }
        List<Path> all = new ArrayList<>(files);
        all.add(index);
        refuseExisting(all, o.force());

        Map<String, String> weightMap = new TreeMap<>();
        Map<String, String> dropped = new LinkedHashMap<>();
        List<String> copied = new ArrayList<>();
        long totalSize = 0;
        long bytes = 0;
        int tensors = 0;
        // One total for all shards: each shard's writer would otherwise restart the progress bar.
        long expected = 0;
        for (Map<String, Tensor> shard : shards) for (Tensor t : shard.values()) expected += t.byteSize();
        ProgressListener outer = o.progress();
        outer.expect(expected);
        ConvertOptions perShard = new ConvertOptions(o.to(), o.stateDict(), o.stripPrefixes(), o.dtype(),
                o.maxShardSize(), o.force(), outer::written);
        // The shards and the index are one output: a failure or a signal before the index is written
        // removes every shard already written, so nothing half-done remains and a rerun needs no --force.
        try (OutputSet set = new OutputSet()) {
            for (int i = 0; i < shards.size(); i++) {
                set.add(files.get(i));
                ConvertResult r = writeOne(shards.get(i), files.get(i), format, perShard);
                dropped.putAll(r.dropped());
                copied.addAll(r.copied());
                bytes += r.bytes();
                tensors += r.tensors();
                for (Map.Entry<String, Tensor> e : shards.get(i).entrySet()) {
                    if (r.dropped().containsKey(e.getKey())) continue;
                    weightMap.put(e.getKey(), files.get(i).getFileName().toString());
                    totalSize += e.getValue().byteSize();
                }
            }
            Map<String, Object> indexJson = new LinkedHashMap<>();
            indexJson.put("metadata", Map.of("total_size", totalSize));
            indexJson.put("weight_map", weightMap);
            byte[] text = (Json.write(indexJson, true) + "\n").getBytes(StandardCharsets.UTF_8);
            set.add(index);
            AtomicFile.write(index, o.force(), ch -> {
                ByteBuffer b = ByteBuffer.wrap(text);
                while (b.hasRemaining()) ch.write(b, b.position());
            });
            set.complete();
            files.add(index);
            return new ConvertResult(tensors, bytes + text.length, dropped, copied, files, 0);
        }
    }

    private static ConvertResult writeOne(Map<String, Tensor> tensors, Path out, OutputFormat format, ConvertOptions o)
            throws IOException {
        if (format == OutputFormat.SAFETENSORS) {
            WriteReport r = new SafetensorsWriter().metadata(Map.of("format", "pt")).overwrite(o.force())
                    .progress(o.progress()).write(tensors, out);
            return new ConvertResult(r.tensorsWritten(), r.bytesWritten(), r.dropped(), r.copied(), List.of(out), 0);
        }
        PyDict stateDict = new PyDict("collections.OrderedDict");
        stateDict.putAll(tensors);
        new TorchSaver().overwrite(o.force()).progress(o.progress()).saveTo(stateDict, out);
        return new ConvertResult(tensors.size(), Files.size(out), Map.of(), List.of(), List.of(out), 0);
    }

    /** Hugging Face's greedy split: a new shard starts when the next tensor would overflow the current one. */
    static List<Map<String, Tensor>> plan(Map<String, Tensor> tensors, long maxShardSize) {
        List<Map<String, Tensor>> shards = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long size = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long bytes = e.getValue().byteSize();
            if (maxShardSize > 0 && !current.isEmpty() && size + bytes > maxShardSize) {
                shards.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(e.getKey(), e.getValue());
            size += bytes;
        }
        shards.add(current);
        return shards;
    }

    private static void refuseExisting(List<Path> outputs, boolean force) throws IOException {
        if (force) return;
        for (Path p : outputs) {
            if (Files.exists(p)) throw new FileAlreadyExistsException(p.toString(), null, "already exists");
        }
    }

    private static int countTensors(Object tree) {
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        List<Object> stack = new ArrayList<>(Collections.singletonList(tree));
        int n = 0;
        while (!stack.isEmpty()) {
            Object node = stack.remove(stack.size() - 1);
            if (node == null || seen.put(node, Boolean.TRUE) != null) continue;
            if (node instanceof Tensor) n++;
            else if (node instanceof Map<?, ?> m) { stack.addAll(m.keySet()); stack.addAll(m.values()); }
            else if (node instanceof List<?> l) stack.addAll(l);
        }
        return n;
    }
}
