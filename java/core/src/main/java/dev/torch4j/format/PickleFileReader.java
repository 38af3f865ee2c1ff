package dev.torch4j.format;

import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.torchsave.legacy.PickleProtocol;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

import java.util.LinkedHashMap;
import java.util.Map;

/** A plain {@code pickle.dump} file: numpy arrays, {@code _load_from_bytes} tensors, placeholders. */
final class PickleFileReader {
    private PickleFileReader() {}

    static LoadedFile read(ReadContext ctx, ByteRegion bytes) throws TorchFileException {
        Object value = ctx.unpickle(bytes, 0, null, null, null).value();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", Format.PICKLE.id());
        meta.put("pickle.protocol", PickleProtocol.of(bytes));
        return new LoadedFile(Format.PICKLE, value, meta, null);
    }
}
