package dev.torch4j.executorch;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .ptd} file (FlatTensor, extension/flat_tensor/serialize/flat_tensor.fbs): named entries,
 * each a segment of bytes and, for tensors, a layout (scalar type, sizes, dim order). Entries
 * without a layout are opaque backend blobs: listed with their size.
 */
final class FlatTensorReader {
    private FlatTensorReader() {}

    /** The named entries of one data file. */
    static final class Data {
        private final Map<String, Integer> segmentOf = new LinkedHashMap<>();
        private final Map<String, TensorValue> layouts = new LinkedHashMap<>();
        private final DataSegments segments;
        private final String label;

        private Data(DataSegments segments, String label) {
            this.segments = segments;
            this.label = label;
        }

        boolean has(String key) { return segmentOf.containsKey(key); }

        /** The tensor stored under {@code key}, laid out as the program (or the file itself) says. */
        Tensor tensor(String key, TensorValue layout) {
            DType dtype = layout.dtype();
            if (dtype == null || dtype.kind() == DType.Kind.QUANTIZED) {
                throw new FlatBufferException(-1, label + ": tensor " + key + " of unsupported type " + layout.describe());
            }
            int seg = segmentOf.get(key);
            ByteRegion bytes = segments.slice(seg, 0, layout.byteSize(), -1);
            Storage storage = Storage.ofBytes("ptd:" + key, dtype, bytes, ByteOrder.LITTLE_ENDIAN);
            return new Tensor(dtype, layout.sizes(), layout.strides(), 0, storage, false, false, null);
        }
    }

    static Data read(ByteRegion file, String label, Map<String, Object> meta, Map<Object, Object> tensorsOut) {
        FlatBuffer fb = new FlatBuffer(file);
        String id = fb.identifier();
        ExtendedHeader header = ExtendedHeader.parse(fb, "FH01", 4);
        if (header == null) throw new FlatBufferException(8, "no FH01 header after the " + id + " identifier");
        FlatBuffer.Table root = fb.root();
        DataSegments segments = new DataSegments(file, header.field(2), root.vector(1, 4));
        Data data = new Data(segments, label);
        FlatBuffer.Vector named = root.vector(2, 4);
        List<String> blobs = new ArrayList<>();
        for (int i = 0; named != null && i < named.length(); i++) {
            FlatBuffer.Table n = named.table(i);
            String key = n.string(0);
            if (key == null) throw new FlatBufferException(n.position(), "named data " + i + " without a key");
            long seg = n.u32(1);
            if (seg >= segments.count()) throw new FlatBufferException(n.position(), "segment " + seg + " of " + segments.count());
            data.segmentOf.put(key, (int) seg);
            FlatBuffer.Table layout = n.table(2);
            if (layout != null) {
                TensorValue tv = TensorValue.layout(layout, key);
                data.layouts.put(key, tv);
                if (tensorsOut != null) {
                    if (tv.dtype() == null || tv.dtype().kind() == DType.Kind.QUANTIZED) blobs.add(key + ": " + tv.describe() + " (unsupported type)");
                    else tensorsOut.put(key, data.tensor(key, tv));
                }
            } else {
                blobs.add(key + ": " + segments.size((int) seg) + " bytes");
            }
        }
        if (meta != null) {
            meta.put("ptd.file_identifier", id);
            meta.put("ptd.version", root.u32(0));
            meta.put("ptd.segments", (long) segments.count());
            meta.put("ptd.named_data", (long) data.segmentOf.size());
            if (!blobs.isEmpty()) meta.put("ptd.blobs", blobs);
        }
        return data;
    }
}
