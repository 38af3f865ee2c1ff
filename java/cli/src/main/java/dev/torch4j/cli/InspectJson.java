package dev.torch4j.cli;

import dev.torch4j.json.JsonWriter;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code inspect --json}. The contract (never renamed): {@code file}, {@code format},
 * {@code tensors[].path/dtype/shape} and, with --hash, {@code tensors[].sha256}; {@code metadata}.
 * Additions: per tensor {@code bytes}, {@code device}, {@code storage}, {@code storage_offset};
 * {@code values} (non-tensor leaves), {@code values_omitted}, {@code totals}.
 */
final class InspectJson {
    private InspectJson() {}

    static void write(Inspection in, PrintWriter out) throws IOException {
        // Bytes straight to standard output where Main set it up (see ByteStreamWriter), else chars.
        JsonWriter w = out instanceof ByteStreamWriter b ? JsonWriter.buffered(b.flushedStream(), true)
                : JsonWriter.buffered(out, true);
        w.beginObject();
        w.name("file").value(in.file());
        w.name("format").value(in.format());
        w.name("tensors").beginArray();
        w.elements(in.tensors(), RowWriter.INSTANCE).endArray();
        w.name("metadata").beginObject();
        for (Map.Entry<String, Object> e : in.metadata().entrySet()) {
            w.name(e.getKey()).value(e.getValue());
        }
        w.endObject();
        w.name("values").beginArray();
        for (ValueWalker.Value v : in.values()) {
            w.beginObject().name("path").value(v.path()).name("type").value(v.type()).name("value").value(v.value()).endObject();
        }
        w.endArray();
        w.name("values_omitted").value(in.hiddenValues());
        w.name("totals").beginObject()
                .name("tensors").value(in.totals().count())
                .name("parameters").value(in.totals().parameters())
                .name("bytes").value(in.totals().bytes())
                .endObject();
        w.endObject();
        w.finish();
    }

    /**
     * {@link #row} as the element writer of the tensor array. A class, not a method reference: a short command's
     * first lambda or method reference initialises java.lang.invoke (several ms of a 0.2 s inspect); see
     * docs/building.md.
     */
    private static final class RowWriter implements JsonWriter.ElementWriter<Inspection.Row> {
        static final RowWriter INSTANCE = new RowWriter();

        @Override public void write(JsonWriter w, Inspection.Row r) throws IOException {
            row(w, r);
        }
    }

    // A row's member names, encoded once (20,000 rows write each of them).
    private static final JsonWriter.Name PATH = JsonWriter.Name.of("path");
    private static final JsonWriter.Name DTYPE = JsonWriter.Name.of("dtype");
    private static final JsonWriter.Name SHAPE = JsonWriter.Name.of("shape");
    private static final JsonWriter.Name SHA256 = JsonWriter.Name.of("sha256");
    private static final JsonWriter.Name BYTES = JsonWriter.Name.of("bytes");
    private static final JsonWriter.Name DEVICE = JsonWriter.Name.of("device");
    private static final JsonWriter.Name STORAGE = JsonWriter.Name.of("storage");
    private static final JsonWriter.Name STORAGE_OFFSET = JsonWriter.Name.of("storage_offset");

    /** One tensor row (called from two threads for long lists: it touches nothing but its row). */
    private static void row(JsonWriter w, Inspection.Row r) throws IOException {
        w.beginObject();
        Tensor t = r.tensor();
        w.name(PATH).value(r.path());
        w.name(DTYPE).value(r.dtype());
        w.name(SHAPE).value(t.shape());
        if (r.sha256() != null) w.name(SHA256).value(r.sha256());
        w.name(BYTES).value(r.bytes());
        w.name(DEVICE).value(r.device());
        w.name(STORAGE).value(r.storage());
        w.name(STORAGE_OFFSET).value(r.storageOffset());
        w.endObject();
    }
}
