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

    /** One tensor row (called from two threads for long lists: it touches nothing but its row). */
    private static void row(JsonWriter w, Inspection.Row r) throws IOException {
        w.beginObject();
        Tensor t = r.tensor();
        w.name("path").value(r.path());
        w.name("dtype").value(r.dtype());
        w.name("shape").value(t.shape());
        if (r.sha256() != null) w.name("sha256").value(r.sha256());
        w.name("bytes").value(r.bytes());
        w.name("device").value(r.device());
        w.name("storage").value(r.storage());
        w.name("storage_offset").value(r.storageOffset());
        w.endObject();
    }
}
