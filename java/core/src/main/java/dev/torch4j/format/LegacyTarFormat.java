package dev.torch4j.format;

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

    /**
     * A POSIX ("ustar") header, or any header whose checksum Python's tarfile accepts: torch.load
     * tries tarfile before the legacy pickles, and tarfile also reads old v7 headers without the magic.
     */
    @Override public boolean recognises(HeadTail head) {
        return head.has(257, "ustar") || isTarHeader(head.head());
    }

    /** Whether the first 512 bytes are a tar header Python's tarfile accepts (its checksum matches). */
    static boolean isTarHeader(byte[] head) {
        if (head.length < 512) return false;
        long stored = 0;
        boolean any = false;
        for (int i = 148; i < 156; i++) {
            int c = head[i] & 0xff;
            if (c == 0 || c == ' ') {
                if (any) break;
                continue;
            }
            if (c < '0' || c > '7') return false;
            stored = stored * 8 + (c - '0');
            any = true;
        }
        if (!any) return false;
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < 512; i++) {
            int b = i >= 148 && i < 156 ? ' ' : head[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        return stored == unsigned || stored == signed;
    }

    @Override public boolean torchSavePayload() { return true; }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return LegacyTarReader.read(ctx, bytes);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        scan.tar(bytes);
    }
}
