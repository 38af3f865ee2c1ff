package dev.torch4j.format;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.executorch.ExecuTorchFile;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

/** ExecuTorch external tensor data ({@code .ptd}): FlatBuffer file identifier {@code FTnn} at byte 4. */
final class FlatTensorFormat implements ContainerFormat {
    @Override public String name() { return "ptd"; }

    @Override public Format format() { return Format.PTD; }

    @Override public boolean recognises(HeadTail head) {
        return ExecuTorchFile.isData(head.head());
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return ExecuTorchFile.readData(ctx.file(), bytes);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        scan.checked(ExecuTorchFile.scan(head.file(), bytes, head.head()));
    }
}
