package dev.torch4j.format;

import dev.torch4j.executorch.ExecuTorchFile;
import dev.torch4j.pt2.Pt2Archive;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.torchsave.legacy.LegacyReader;
import dev.torch4j.torchsave.tar.LegacyTarReader;
import dev.torch4j.torchsave.zip.ZipTorchReader;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.numpy.JoblibCompression;

/** Dispatches bytes to the reader for their container. */
public final class Readers {
    private Readers() {}

    static LoadedFile read(ReadContext ctx, Container container, ByteRegion bytes, ZipArchiveSource zip)
            throws TorchFileException {
        return switch (container) {
            case ZIP -> {
                ZipArchive archive = zip.open();
                if (Pt2Archive.isPt2(archive)) yield Pt2Archive.read(ctx, archive);
                yield NumpyFileReader.isNpz(archive) ? NumpyFileReader.readNpz(ctx, archive) : ZipTorchReader.read(ctx, archive);
            }
            case LEGACY -> LegacyReader.read(ctx, bytes);
            case LEGACY_TAR -> LegacyTarReader.read(ctx, bytes);
            case PICKLE -> PickleFileReader.read(ctx, bytes);
            case NPY -> NumpyFileReader.readNpy(ctx, bytes);
            case COMPRESSED -> readCompressed(ctx, bytes);
            case EXECUTORCH -> ExecuTorchFile.readProgram(ctx.file(), bytes);
            case FLAT_TENSOR -> ExecuTorchFile.readData(ctx.file(), bytes);
            // Safetensors has no pickle and no object tree: TorchReader hands it to SafetensorsFile first.
            case SAFETENSORS -> throw new TorchFileException(ctx.file(), null, 0,
                    "a safetensors payload cannot be nested inside a torch.save file");
        };
    }

    /**
     * A whole file compressed as joblib does: inflated into memory (bounded by the entry limit), then
     * read as the pickle inside. Compressions the JDK cannot decode are refused by name.
     */
    private static LoadedFile readCompressed(ReadContext ctx, ByteRegion bytes) throws TorchFileException {
        byte[] head = new byte[(int) Math.min(bytes.size(), FormatDetector.HEAD_BYTES)];
        bytes.copyTo(0, head, 0, head.length);
        String method = JoblibCompression.detect(head);
        byte[] inner = JoblibCompression.decompress(ctx.file(), bytes, method, ctx.options().maxEntryBytes());
        byte[] innerHead = java.util.Arrays.copyOf(inner, Math.min(inner.length, FormatDetector.HEAD_BYTES));
        int last = inner.length == 0 ? -1 : inner[inner.length - 1] & 0xff;
        Container c = FormatDetector.detect(ctx.file() + " (" + method + "-decompressed)", innerHead, inner.length, last);
        if (c != Container.PICKLE) {
            throw new TorchFileException(ctx.file(), null, 0, "a " + method + "-compressed " + c.name().toLowerCase(java.util.Locale.ROOT)
                    + " file: only compressed pickles (joblib.dump(compress=...)) are read; decompress it first");
        }
        return PickleFileReader.read(ctx, new HeapRegion(inner), method);
    }

    /** A torch.save payload embedded in a pickle ({@code _load_from_bytes}). */
    public static LoadedFile readNested(ReadContext ctx, byte[] payload) throws TorchFileException {
        byte[] head = java.util.Arrays.copyOf(payload, Math.min(payload.length, FormatDetector.HEAD_BYTES));
        int last = payload.length == 0 ? -1 : payload[payload.length - 1] & 0xff;
        Container c = FormatDetector.detect(ctx.file() + " (nested payload)", head, payload.length, last);
        if (c == Container.PICKLE || c == Container.NPY || c == Container.COMPRESSED || c == Container.EXECUTORCH
                || c == Container.FLAT_TENSOR) {
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
