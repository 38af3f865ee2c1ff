package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

/**
 * A mobile model saved with {@code _use_flatbuffer=True} (file identifier {@code PTMF} at offset 4):
 * recognised only to say it is not read, rather than "not a PyTorch file".
 */
final class FlatbufferMobileFormat implements ContainerFormat {
    @Override public String name() { return "flatbuffer_mobile"; }

    @Override public Format format() { return Format.MOBILE; }

    @Override public boolean recognises(HeadTail head) throws TorchFileException {
        if (head.has(4, "PTMF")) throw unsupported(head);
        return false;
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        throw unsupported(head);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        throw unsupported(head);
    }

    private static TorchFileException unsupported(HeadTail head) {
        return head.error(ErrorKind.UNSUPPORTED, 4, "flatbuffer mobile format is not supported (a .ptl saved with _use_flatbuffer=True); "
                + "re-save it with torch.jit.save or _save_for_lite_interpreter without flatbuffer");
    }
}
