package dev.torch4j.safetensors;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.MappedFile;
import dev.torch4j.json.Json;
import dev.torch4j.json.JsonException;
import dev.torch4j.json.JsonLimits;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file: an 8-byte little-endian header length, a JSON header, then the tensor bytes.
 * Every length and offset is checked against the file size before anything is allocated; tensors
 * are zero-copy views into the memory-mapped file.
 */
public final class SafetensorsFile implements Checkpoint {
    /** The safetensors project's own limit on the header (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private final Path path;
    /** What to close: the mapping, or a paged source. */
    private final java.io.Closeable file;
    private final long headerSize;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> userMetadata;

    private SafetensorsFile(Path path, java.io.Closeable file, long headerSize, Map<String, Tensor> tensors,
                            Map<String, String> userMetadata) {
        this.path = path;
        this.file = file;
        this.headerSize = headerSize;
        this.tensors = tensors;
        this.userMetadata = userMetadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        MappedFile file = MappedFile.open(path);
        try {
            return parse(path, file, file);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * A safetensors file read from {@code bytes} (a paged remote source, bytes in memory);
     * {@code resource} is closed with the file, or at once when the header is rejected.
     * {@code path} names the file in messages.
     */
    public static SafetensorsFile open(Path path, dev.torch4j.io.ByteRegion bytes, java.io.Closeable resource)
            throws IOException {
        try {
            return parse(path, bytes, resource);
        } catch (IOException | RuntimeException e) {
            resource.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, dev.torch4j.io.ByteRegion file, java.io.Closeable resource) throws IOException {
        long size = file.size();
        if (size < 8) throw TorchFileException.at(path, null, 0, "too short for a safetensors header length (" + size + " bytes)");
        long n = file.slice(0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > size - 8) {
            throw TorchFileException.at(path, null, 0, "header length " + Long.toUnsignedString(n) + " does not fit in the "
                    + size + "-byte file");
        }
        if (n > MAX_HEADER_BYTES) {
            throw TorchFileException.at(path, null, 0, "header of " + n + " bytes exceeds the " + MAX_HEADER_BYTES + "-byte limit");
        }
        byte[] headerBytes = new byte[(int) n];
        file.copyTo(8, headerBytes, 0, (int) n);
        if (headerBytes[0] != '{') throw TorchFileException.at(path, null, 8, "header does not start with '{'");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw TorchFileException.at(path, null, 8, "header is not valid UTF-8");
        }
        Object root;
        try {
            root = Json.parse(text, new JsonLimits(64, (int) n, 10_000_000, (int) n));
        } catch (JsonException e) {
            // JSON offsets count characters; for the ASCII headers safetensors writes that is the byte offset.
            throw new TorchFileException(path.toString(), null, 8 + e.offset(), "header JSON: " + e.reason(), e);
        }
        if (!(root instanceof Map<?, ?> header)) throw TorchFileException.at(path, null, 8, "header is not a JSON object");

        long dataStart = 8 + n;
        long dataSize = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<String> rangeNames = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> m)) throw bad(path, name, "__metadata__ is not an object");
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String s)) throw bad(path, name, "__metadata__ value of " + me.getKey() + " is not a string");
                    metadata.put((String) me.getKey(), s);
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> info)) throw bad(path, name, "tensor entry is not an object");
            if (!(info.get("dtype") instanceof String dtypeName)) throw bad(path, name, "missing dtype");
            DType dtype = SafetensorsDTypes.fromName(dtypeName);
            if (dtype == null) throw bad(path, name, "unknown dtype " + dtypeName);
            long[] shape = longs(path, name, info.get("shape"), "shape", -1);
            long[] offsets = longs(path, name, info.get("data_offsets"), "data_offsets", 2);
            long numel = 1;
            long bytes;
            try {
                for (long d : shape) numel = Math.multiplyExact(numel, d);
                bytes = Math.multiplyExact(numel, dtype.itemSize());
            } catch (ArithmeticException overflow) {
                throw bad(path, name, "shape too large");
            }
            long begin = offsets[0], end = offsets[1];
            if (begin > end || end > dataSize) {
                throw bad(path, name, "data_offsets [" + begin + ", " + end + "] outside the " + dataSize + "-byte data section");
            }
            if (end - begin != bytes) {
                throw bad(path, name, "data_offsets span " + (end - begin) + " bytes, " + dtypeName + " "
                        + java.util.Arrays.toString(shape) + " needs " + bytes);
            }
            ranges.add(offsets);
            rangeNames.add(name);
            Storage storage = Storage.ofBytes(name, dtype, file.subRegion(dataStart + begin, bytes), ByteOrder.LITTLE_ENDIAN);
            tensors.put(name, new Tensor(dtype, shape, Tensor.contiguousStrides(shape), 0, storage));
        }
        checkNoOverlap(path, ranges, rangeNames);
        return new SafetensorsFile(path, resource, n, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static void checkNoOverlap(Path path, List<long[]> ranges, List<String> names) throws TorchFileException {
        Integer[] order = new Integer[ranges.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, Comparator.comparingLong(i -> ranges.get(i)[0]));
        long end = 0;
        String previous = null;
        for (int i : order) {
            long[] r = ranges.get(i);
            if (r[0] == r[1]) continue; // empty tensors occupy nothing
            if (r[0] < end) throw bad(path, names.get(i), "data overlaps tensor " + previous);
            end = r[1];
            previous = names.get(i);
        }
    }

    private static long[] longs(Path path, String name, Object value, String field, int requiredLength) throws TorchFileException {
        if (!(value instanceof List<?> list)) throw bad(path, name, field + " is not an array");
        if (requiredLength >= 0 && list.size() != requiredLength) throw bad(path, name, field + " must hold " + requiredLength + " numbers");
        if (list.size() > 64) throw bad(path, name, field + " has too many dimensions");
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 0) throw bad(path, name, field + " holds " + list.get(i) + ", not a non-negative integer");
            out[i] = l;
        }
        return out;
    }

    private static TorchFileException bad(Path path, String tensor, String reason) {
        return TorchFileException.at(path, null, 8, "header entry \"" + tensor + "\": " + reason);
    }


    @Override public Path path() { return path; }
    @Override public Format format() { return Format.SAFETENSORS; }
    /** A safetensors file is a flat name-to-tensor dict. */
    @Override public Object root() { return tensors; }
    @Override public Map<String, Tensor> tensors() { return tensors; }
    @Override public Map<String, Tensor> stateDict() { return tensors; }

    /** The header's {@code __metadata__} string map (e.g. {@code format: pt}). */
    @Override public Map<String, Object> metadata() { return Collections.unmodifiableMap(new LinkedHashMap<>(userMetadata)); }

    /** {@code __metadata__} with its string type. */
    public Map<String, String> userMetadata() { return userMetadata; }

    /** Bytes of JSON header (data starts at {@code 8 + headerSize()}). */
    public long headerSize() { return headerSize; }

    @Override public void close() {
        try {
            file.close();
        } catch (IOException ignored) {
            // a mapping releases nothing eagerly; a paged source that fails to close has nothing left to give
        }
    }
}
