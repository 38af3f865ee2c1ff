package dev.torch4j.format;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

/** numpy's {@code .npy}: magic, header dict, array bytes (or a pickle for object arrays). */
final class NpyFormat implements ContainerFormat {
    /** {@code \x93NUMPY}. */
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    @Override public String name() { return "npy"; }

    @Override public Format format() { return Format.NPY; }

    @Override public boolean recognises(HeadTail head) {
        return head.has(0, MAGIC);
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return NumpyFileReader.readNpy(ctx, bytes);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        scan.npy(bytes);
    }
}
