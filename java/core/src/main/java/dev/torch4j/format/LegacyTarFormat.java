package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.torchsave.tar.LegacyTarReader;

/** The 0.1.x torch.save layout: a tar with sys_info, pickle, tensors and storages members. */
final class LegacyTarFormat implements ContainerFormat {
    @Override public String name() { return "legacy_tar"; }

    @Override public Format format() { return Format.LEGACY; }

    @Override public boolean recognises(HeadTail head) {
        return head.has(257, "ustar");
    }

    @Override public boolean torchSavePayload() { return true; }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return LegacyTarReader.read(ctx, bytes);
    }

    /** Its pickles sit between raw tensor data in tar members: a whole file is vetted by loading it instead. */
    @Override public boolean scannedByLoading() { return true; }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        throw scan.error(ErrorKind.UNSUPPORTED, 0, "a 0.1.x tar-layout torch.save nested in another file is not scanned");
    }
}
