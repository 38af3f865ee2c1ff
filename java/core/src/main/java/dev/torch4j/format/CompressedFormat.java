package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.numpy.JoblibCompression;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

/**
 * A whole file compressed the way {@code joblib.dump(compress=...)} does (zlib, gzip, bz2, xz, lzma,
 * lz4): the pickle inside is inflated into memory within the entry limit, then read or scanned.
 * Compressions the JDK cannot decode are refused by name.
 */
final class CompressedFormat implements ContainerFormat {
    @Override public String name() { return "compressed"; }

    @Override public Format format() { return Format.JOBLIB; }

    @Override public boolean recognises(HeadTail head) {
        return JoblibCompression.detect(head.head()) != null;
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        String method = JoblibCompression.detect(head.head());
        byte[] inner = JoblibCompression.decompress(ctx.file(), bytes, method, ctx.options().maxEntryBytes());
        ContainerFormat c = ContainerFormats.detect(HeadTail.of(ctx.file() + " (" + method + "-decompressed)", inner));
        if (!(c instanceof PickleFileFormat)) {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, ctx.file(), null, 0, "a " + method + "-compressed " + c.name()
                    + " file: only compressed pickles (joblib.dump(compress=...)) are read; decompress it first");
        }
        return PickleFileFormat.readPickle(ctx, new HeapRegion(inner), method);
    }

    /** The pickle inside, decoded within the scan's payload budget. */
    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        String method = JoblibCompression.detect(head.head());
        byte[] inner = JoblibCompression.decompress(scan.file(), bytes, method, scan.maxPayloadBytes());
        scan.pickles(scan.decoded(inner), 0, ContainerScan.ALL, true);
    }
}
