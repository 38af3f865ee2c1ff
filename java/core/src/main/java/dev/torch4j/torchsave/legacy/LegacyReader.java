package dev.torch4j.torchsave.legacy;

import dev.torch4j.ErrorKind;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.PyValues;
import dev.torch4j.read.ReadContext;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Legacy (pre-1.6, non-zip) torch.save: pickles of the magic number, the protocol version (1001)
 * and sys_info, then the object pickle, the storage-key list, and the raw storages.
 */
public final class LegacyReader {
    static final String MAGIC = "119547037146038801333356"; // 0x1950a86a20f9469cfc6c
    private static final long PROTOCOL_VERSION = 1001;

    private LegacyReader() {}

    public static LoadedFile read(ReadContext ctx, ByteRegion bytes) throws TorchFileException {
        ReadContext.Unpickled magic = ctx.unpickle(bytes, 0, null, null, null);
        if (!MAGIC.equals(String.valueOf(magic.value()))) {
            throw new TorchFileException(ctx.file(), null, 0, "invalid legacy torch.save magic number " + magic.value());
        }
        ReadContext.Unpickled protocol = ctx.unpickle(bytes, magic.end(), null, null, null);
        if (!(protocol.value() instanceof Number n) || n.longValue() != PROTOCOL_VERSION) {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, ctx.file(), null, magic.end(), "unsupported legacy protocol version "
                    + protocol.value() + " (expected " + PROTOCOL_VERSION + ")");
        }
        ReadContext.Unpickled sysInfo = ctx.unpickle(bytes, protocol.end(), null, null, null);
        LegacyStorages storages = new LegacyStorages(ctx.file());
        ReadContext.Unpickled main = ctx.unpickle(bytes, sysInfo.end(), null, storages, null);
        ReadContext.Unpickled keys = ctx.unpickle(bytes, main.end(), null, null, null);
        if (!(keys.value() instanceof List<?> keyList)) {
            throw new TorchFileException(ctx.file(), null, main.end(), "expected the list of storage keys, got "
                    + PyValues.describe(keys.value()));
        }
        storages.bind(keyList, bytes, keys.end());

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", Format.LEGACY.id());
        meta.put("pickle.protocol", PickleProtocol.of(bytes, sysInfo.end()));
        meta.put("legacy.protocol_version", PROTOCOL_VERSION);
        if (sysInfo.value() instanceof Map<?, ?> info) {
            Object le = info.get("little_endian");
            if (le != null) meta.put("legacy.little_endian", le);
            Object sizes = info.get("type_sizes");
            if (sizes != null) meta.put("legacy.type_sizes", sizes);
        }
        return new LoadedFile(Format.LEGACY, main.value(), meta, null);
    }
}
