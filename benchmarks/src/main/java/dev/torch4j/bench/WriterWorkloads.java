package dev.torch4j.bench;

import dev.torch4j.io.HeapRegion;
import dev.torch4j.safetensors.SafetensorsWriter;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.torchsave.zip.TorchSaver;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fallback when PyTorch is absent: {@code large}, {@code many} and {@code safetensors} written by
 * torch4j's own writer, with the shapes of {@code make_workloads.py} (keep in sync). The legacy and
 * plain-pickle workloads need PyTorch and are then left out of the manifest.
 */
final class WriterWorkloads {
    private static final int VOCAB = 32000, HIDDEN = 1024, INTER = 3072, LAYERS = 24, MANY = 20000;

    private WriterWorkloads() {}

    static void generate(Path dir, double scale) throws IOException {
        Map<String, Tensor> large = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(0);
        add(large, "model.embed_tokens.weight", DType.BFLOAT16, scale, random, VOCAB, HIDDEN);
        for (int i = 0; i < LAYERS; i++) {
            String p = "model.layers." + i + ".";
            for (String n : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
                add(large, p + "self_attn." + n + ".weight", DType.FLOAT32, scale, random, HIDDEN, HIDDEN);
            }
            add(large, p + "mlp.gate_proj.weight", DType.BFLOAT16, scale, random, INTER, HIDDEN);
            add(large, p + "mlp.up_proj.weight", DType.BFLOAT16, scale, random, INTER, HIDDEN);
            add(large, p + "mlp.down_proj.weight", DType.BFLOAT16, scale, random, HIDDEN, INTER);
            add(large, p + "input_layernorm.weight", DType.FLOAT32, scale, random, HIDDEN);
            add(large, p + "post_attention_layernorm.weight", DType.FLOAT32, scale, random, HIDDEN);
        }
        add(large, "model.norm.weight", DType.FLOAT32, scale, random, HIDDEN);
        add(large, "lm_head.weight", DType.FLOAT32, scale, random, VOCAB, HIDDEN);
        TorchSaver.save(large, dir.resolve("large.pt"));
        SafetensorsWriter.save(large, dir.resolve("safetensors.safetensors"));
        long largeBytes = Bytes.totalBytes(large);
        large.clear();

        Map<String, Tensor> many = new LinkedHashMap<>();
        int[][] shapes = {{36, 36}, {64, 48}, {24, 64}, {128}, {40, 64}};
        DType[] dtypes = {DType.FLOAT32, DType.BFLOAT16, DType.FLOAT32, DType.FLOAT32, DType.FLOAT32};
        for (int i = 0; i < MANY; i++) add(many, "blocks." + i / 5 + ".p" + i % 5, dtypes[i % 5], scale, random, shapes[i % 5]);
        TorchSaver.save(many, dir.resolve("many.pt"));

        Map<String, Tensor> tiny = new LinkedHashMap<>();
        add(tiny, "weight", DType.FLOAT32, 1.0, random, 512, 512);
        TorchSaver.save(tiny, dir.resolve("tiny.pt"));

        Files.writeString(dir.resolve("workloads.json"), "{\"scale\": " + scale + ", \"writer\": \"torch4j\", \"workloads\": {\n"
                + entry("large", "large.pt", 219, largeBytes) + ",\n"
                + entry("safetensors", "safetensors.safetensors", 219, largeBytes) + ",\n"
                + entry("many", "many.pt", MANY, Bytes.totalBytes(many)) + ",\n"
                + entry("tiny", "tiny.pt", 1, 1 << 20) + "}}\n");
    }

    private static String entry(String name, String file, int tensors, long bytes) {
        return " \"" + name + "\": {\"file\": \"" + file + "\", \"tensors\": " + tensors + ", \"bytes\": " + bytes + "}";
    }

    /** Small random values (bit patterns of N(0, 0.02)-like floats); the first dimension scaled. */
    private static void add(Map<String, Tensor> out, String name, DType dtype, double scale, SplittableRandom random, int... dims) {
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) shape[i] = i == 0 ? Math.max(1, Math.round(dims[0] * scale)) : dims[i];
        long numel = 1;
        for (long d : shape) numel *= d;
        byte[] bytes = new byte[Math.toIntExact(numel * dtype.itemSize())];
        for (int i = 0; i < numel; i++) {
            int bits = Float.floatToRawIntBits((float) (random.nextDouble(-1, 1) * 0.05));
            if (dtype == DType.BFLOAT16) {
                bytes[2 * i] = (byte) (bits >>> 16);
                bytes[2 * i + 1] = (byte) (bits >>> 24);
            } else {
                for (int b = 0; b < 4; b++) bytes[4 * i + b] = (byte) (bits >>> (8 * b));
            }
        }
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) { stride[i] = s; s *= shape[i]; }
        Storage storage = Storage.ofBytes(Integer.toString(out.size()), dtype, new HeapRegion(bytes), ByteOrder.LITTLE_ENDIAN);
        out.put(name, new Tensor(dtype, shape, stride, 0, storage));
    }
}
