package dev.torch4j.safetensors;

import dev.torch4j.json.Json;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.io.AtomicFile;
import dev.torch4j.io.FileSpan;
import dev.torch4j.ProgressListener;
import dev.torch4j.elements.StorageStreamer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes safetensors files. Tensors are laid out as the safetensors library lays them out (wider
 * dtypes first, then by name, so every tensor starts naturally aligned; the header pads with
 * spaces so data starts on an 8-byte boundary). Shared memory cannot be expressed: like the
 * safetensors project's converter, the same tensor under several names is kept once (first name
 * in sorted order) and different views of one storage are each written as a copy; the
 * {@link WriteReport} lists both. Data is streamed and the file appears atomically. The header
 * carries {@code "__metadata__": {"format": "pt"}} unless {@link #metadata} says otherwise.
 *
 * <p>Not thread-safe: configure and use one writer per thread (writing reads the tensors, which
 * may be shared across threads).
 */
public final class SafetensorsWriter {
    /** A writer with the default settings; configure it with the methods below. */
    public SafetensorsWriter() {}

    /** Hugging Face's loaders ({@code transformers}' {@code load_state_dict}) expect this entry. */
    private static final Map<String, String> DEFAULT_METADATA = Map.of("format", "pt");

    /** Progress is reported between kernel copies of at most this many bytes. */
    private static final long KERNEL_COPY_STEP = 64L << 20;

    private Map<String, String> metadata = DEFAULT_METADATA;
    private boolean overwrite = true;
    private ProgressListener progress = ProgressListener.NONE;

    /**
     * The {@code __metadata__} string map, replacing the default {@code {"format": "pt"}} (which
     * Hugging Face tooling expects); an empty map writes no {@code __metadata__}.
     */
    public SafetensorsWriter metadata(Map<String, String> metadata) {
        this.metadata = new TreeMap<>(metadata);
        return this;
    }

    public SafetensorsWriter overwrite(boolean overwrite) {
        this.overwrite = overwrite;
        return this;
    }

    public SafetensorsWriter progress(ProgressListener listener) {
        this.progress = listener == null ? ProgressListener.NONE : listener;
        return this;
    }

    public static WriteReport save(Map<String, Tensor> tensors, Path target) throws IOException {
        return new SafetensorsWriter().write(tensors, target);
    }

    private record Planned(String name, Tensor tensor, String dtype, long begin, long end) {}

    /** Identity of a tensor's view: same storage object and same dtype/offset/shape/stride. */
    private record ViewKey(Storage storage, DType dtype, long offset, List<Long> shape, List<Long> stride) {
        @Override public boolean equals(Object o) {
            return o instanceof ViewKey k && k.storage == storage && k.dtype == dtype && k.offset == offset
                    && k.shape.equals(shape) && k.stride.equals(stride);
        }

        @Override public int hashCode() {
            return Objects.hash(System.identityHashCode(storage), dtype, offset, shape, stride);
        }
    }

    /**
     * @throws IllegalArgumentException for dtypes safetensors has no name for (complex128, quantized...)
     *         or the reserved name {@code __metadata__}; nothing is written then
     */
    public WriteReport write(Map<String, Tensor> tensors, Path target) throws IOException {
        List<String> names = new ArrayList<>(tensors.keySet());
        Collections.sort(names);
        Map<ViewKey, String> seen = new LinkedHashMap<>();
        Map<String, String> dropped = new LinkedHashMap<>();
        IdentityHashMap<Storage, Integer> viewsPerStorage = new IdentityHashMap<>();
        List<String> kept = new ArrayList<>();
        for (String name : names) {
            Tensor t = tensors.get(name);
            if (name.equals("__metadata__")) throw new IllegalArgumentException("\"__metadata__\" is reserved in safetensors");
            if (SafetensorsDTypes.nameOf(t.dtype()) == null || t.quantization() != null) {
                throw new IllegalArgumentException("tensor " + name + ": safetensors cannot store " + t.dtype().pythonName());
            }
            ViewKey key = new ViewKey(t.storage(), t.dtype(), t.storageOffset(), boxed(t.shape()), boxed(t.stride()));
            String first = seen.putIfAbsent(key, name);
            if (first != null) {
                dropped.put(name, first);
                continue;
            }
            kept.add(name);
            if (t.numel() > 0) viewsPerStorage.merge(t.storage(), 1, Integer::sum);
        }
        List<String> copied = new ArrayList<>();
        for (String name : kept) {
            Tensor t = tensors.get(name);
            if (t.numel() > 0 && viewsPerStorage.get(t.storage()) > 1) copied.add(name);
        }
        // The safetensors library's order: larger element size first, then name.
        kept.sort(Comparator.comparingInt((String n) -> -tensors.get(n).dtype().itemSize()).thenComparing(n -> n));
        List<Planned> plan = new ArrayList<>();
        long offset = 0;
        for (String name : kept) {
            Tensor t = tensors.get(name);
            long bytes = Math.multiplyExact(t.numel(), t.dtype().itemSize());
            plan.add(new Planned(name, t, SafetensorsDTypes.nameOf(t.dtype()), offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = header(plan);
        long total = 8 + header.length + offset;
        progress.expect(offset);
        AtomicFile.write(target, overwrite, channel -> writeFile(channel, header, plan));
        return new WriteReport(plan.size(), total, Collections.unmodifiableMap(dropped), Collections.unmodifiableList(copied));
    }

    private byte[] header(List<Planned> plan) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!metadata.isEmpty()) json.put("__metadata__", new LinkedHashMap<>(metadata));
        for (Planned p : plan) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", p.dtype());
            info.put("shape", boxed(p.tensor().shape()));
            info.put("data_offsets", List.of(p.begin(), p.end()));
            json.put(p.name(), info);
        }
        byte[] text = Json.write(json).getBytes(StandardCharsets.UTF_8);
        int padded = (int) ((text.length + 7L) / 8 * 8);
        byte[] out = Arrays.copyOf(text, padded);
        Arrays.fill(out, text.length, padded, (byte) ' ');
        return out;
    }

    private void writeFile(FileChannel channel, byte[] header, List<Planned> plan) throws IOException {
        long[] position = {0};
        StorageStreamer.ChunkSink sink = chunk -> {
            while (chunk.hasRemaining()) position[0] += channel.write(chunk, position[0]);
        };
        sink.accept(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip());
        sink.accept(ByteBuffer.wrap(header));
        for (Planned p : plan) {
            FileSpan span = fileSpanOf(p.tensor());
            if (span != null) {
                // Bytes already as written (contiguous, little-endian) in an open file: the kernel copies
                // them file to file, without faulting the source mapping's pages into this process.
                for (long done = 0; done < span.length(); ) {
                    long n = Math.min(KERNEL_COPY_STEP, span.length() - done);
                    try {
                        span.copyTo(done, n, channel, position[0]);
                    } catch (IOException e) {
                        throw new IOException("reading tensor " + p.name() + ": " + e.getMessage(), e);
                    }
                    position[0] += n;
                    done += n;
                    progress.written(n);
                }
                continue;
            }
            try {
                StorageStreamer.copyRowMajor(p.tensor(), chunk -> {
                    int n = chunk.remaining();
                    sink.accept(chunk);
                    progress.written(n);
                });
            } catch (UncheckedIOException e) {
                throw new IOException("reading tensor " + p.name() + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /** The tensor's bytes as one span of an open file when they are exactly what safetensors stores. */
    private static FileSpan fileSpanOf(Tensor t) {
        long bytes = Math.multiplyExact(t.numel(), t.dtype().itemSize());
        if (bytes == 0 || !t.isContiguous()) return null;
        Storage s = t.storage();
        if (s.order() != ByteOrder.LITTLE_ENDIAN && t.dtype().itemSize() > 1) return null;
        return s.data().fileSpan(t.storageOffset() * t.dtype().itemSize(), bytes);
    }

    private static List<Long> boxed(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) out.add(v);
        return out;
    }
}
