package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.pt2.Pt2Archive;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.torchsave.zip.ZipTorchReader;
import dev.torch4j.zip.ZipArchive;

/** A zip archive: torch.save (1.6+), TorchScript, mobile lite-interpreter, or numpy's {@code .npz}. */
final class ZipFormat implements ContainerFormat {
    private static final byte[] LOCAL_HEADER = {'P', 'K', 3, 4};
    private static final byte[] EMPTY_ARCHIVE = {'P', 'K', 5, 6};

    @Override public String name() { return "zip"; }

    @Override public Format format() { return Format.ZIP; }

    @Override public boolean recognises(HeadTail head) throws TorchFileException {
        if (head.has(0, EMPTY_ARCHIVE)) throw head.error(ErrorKind.CORRUPT, 0, "empty zip archive: no torch.save data.pkl inside");
        return head.has(0, LOCAL_HEADER);
    }

    @Override public boolean torchSavePayload() { return true; }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        ZipArchive archive = ZipArchive.open(head.file(), bytes, ctx.options().maxEntryBytes());
        // A torch.export archive is a zip too; what is inside tells it apart (its archive_format/version records).
        if (Pt2Archive.isPt2(archive)) return Pt2Archive.read(ctx, archive);
        return NumpyFileReader.isNpz(archive) ? NumpyFileReader.readNpz(ctx, archive) : ZipTorchReader.read(ctx, archive);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        scan.zip(bytes);
    }
}
