package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

import java.util.List;

/**
 * Every format torch4j reads, in the order they are tried. Files are told apart by their bytes,
 * never by extension: PyTorch files are saved under every extension ({@code .pth} TorchScript,
 * {@code .pkl} zips, {@code .bin}, {@code .dat}).
 */
public final class ContainerFormats {
    /**
     * The registry. Order matters where signatures overlap: torch.load tries zipfile, then tarfile,
     * then the legacy pickles, so a tar header comes right after zip (and numpy's magic); legacy torch.save is a pickle that
     * starts with a magic number, so it comes before plain pickles; a safetensors header length can
     * look like a zlib or lzma header, so safetensors (whose '{' at byte 8 is the stronger sign)
     * comes before compressed files.
     */
    public static final List<ContainerFormat> ALL = List.of(
            new ZipFormat(),
            new NpyFormat(),
            new LegacyTarFormat(),
            new FlatbufferMobileFormat(),
            ExecuTorchFormat.PROGRAM,
            ExecuTorchFormat.DATA,
            new LegacyFormat(),
            new PickleFileFormat(),
            new SafetensorsFormat(),
            new CompressedFormat());

    private ContainerFormats() {}

    /** The first format of {@link #ALL} that recognises the bytes; an error quoting them when none does. */
    public static ContainerFormat detect(HeadTail head) throws TorchFileException {
        if (head.size() < 4) {
            throw head.error(ErrorKind.TRUNCATED, 0, "file too short to be a PyTorch file (" + head.size() + " bytes): "
                    + head.describe(head.length()));
        }
        for (ContainerFormat format : ALL) {
            if (format.recognises(head)) return format;
        }
        throw head.error(ErrorKind.UNSUPPORTED, 0, "not a PyTorch file (no zip, legacy torch.save, tar or pickle signature); it starts with "
                + head.describe(16));
    }

    /** A torch.save payload embedded in a pickle ({@code _load_from_bytes}). */
    public static LoadedFile readNested(ReadContext ctx, byte[] payload) throws TorchFileException {
        HeadTail head = HeadTail.of(ctx.file() + " (nested payload)", payload);
        ContainerFormat format = detect(head);
        if (!format.torchSavePayload()) {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, ctx.file(), null, -1, "_load_from_bytes payload is not a torch.save file");
        }
        return format.read(ctx, new HeapRegion(payload), head);
    }
}
