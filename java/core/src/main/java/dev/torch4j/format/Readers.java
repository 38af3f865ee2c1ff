package dev.torch4j.format;

import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.torchsave.legacy.LegacyReader;
import dev.torch4j.torchsave.tar.LegacyTarReader;
import dev.torch4j.torchsave.zip.ZipTorchReader;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;

/** Dispatches bytes to the reader for their container. */
public final class Readers {
    private Readers() {}

    static LoadedFile read(ReadContext ctx, Container container, ByteRegion bytes, ZipArchiveSource zip)
            throws TorchFileException {
        return switch (container) {
            case ZIP -> ZipTorchReader.read(ctx, zip.open());
            case LEGACY -> LegacyReader.read(ctx, bytes);
            case LEGACY_TAR -> LegacyTarReader.read(ctx, bytes);
            case PICKLE -> PickleFileReader.read(ctx, bytes);
            // Safetensors has no pickle and no object tree: TorchReader hands it to SafetensorsFile first.
            case SAFETENSORS -> throw new TorchFileException(ctx.file(), null, 0,
                    "a safetensors payload cannot be nested inside a torch.save file");
        };
    }

    /** A torch.save payload embedded in a pickle ({@code _load_from_bytes}). */
    public static LoadedFile readNested(ReadContext ctx, byte[] payload) throws TorchFileException {
        byte[] head = java.util.Arrays.copyOf(payload, Math.min(payload.length, FormatDetector.HEAD_BYTES));
        int last = payload.length == 0 ? -1 : payload[payload.length - 1] & 0xff;
        Container c = FormatDetector.detect(ctx.file() + " (nested payload)", head, payload.length, last);
        if (c == Container.PICKLE) {
            throw new TorchFileException(ctx.file(), null, -1, "_load_from_bytes payload is not a torch.save file");
        }
        return read(ctx, c, new HeapRegion(payload), () -> ZipArchive.open(ctx.file() + " (nested payload)", payload,
                ctx.options().maxEntryBytes()));
    }

    /** Opens the zip view of the bytes only when the container is a zip. */
    @FunctionalInterface
    interface ZipArchiveSource {
        ZipArchive open() throws TorchFileException;
    }
}
