package dev.torch4j.format;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.executorch.ExecuTorchFile;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

/**
 * An ExecuTorch program ({@code .pte}): FlatBuffer file identifier {@code ETnn} at byte 4. It holds
 * no pickle, so scanning checks its structure and lists what it checked.
 */
final class ExecuTorchFormat implements ContainerFormat {
    @Override public String name() { return "executorch"; }

    @Override public Format format() { return Format.EXECUTORCH; }

    @Override public boolean recognises(HeadTail head) {
        return ExecuTorchFile.isProgram(head.head());
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return ExecuTorchFile.readProgram(ctx.file(), bytes);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        scan.checked(ExecuTorchFile.scan(head.file(), bytes, head.head()));
    }
}
