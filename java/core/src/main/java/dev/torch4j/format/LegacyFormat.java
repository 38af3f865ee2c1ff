package dev.torch4j.format;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.torchsave.legacy.LegacyReader;

/** Legacy torch.save: magic-number pickle, protocol, sys_info, object pickle, keys, raw storages. */
final class LegacyFormat implements ContainerFormat {
    /** Magic number, protocol version, sys_info, the object, storage keys. */
    private static final int PICKLES = 5;

    /** torch.save's legacy magic number 0x1950a86a20f9469cfc6c as a pickle LONG1 operand. */
    private static final byte[] MAGIC_LONG1 = {
            (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    /** The same magic number written by pickle protocols 0 and 1 (decimal text). */
    private static final String MAGIC_TEXT = "L119547037146038801333356L\n";

    @Override public String name() { return "legacy"; }

    @Override public Format format() { return Format.LEGACY; }

    @Override public boolean recognises(HeadTail head) throws TorchFileException {
        int protocol = PickleFileFormat.binaryProtocol(head);
        if (protocol < 0) return head.has(0, MAGIC_TEXT);
        int payload = protocol >= 4 && head.at(2) == 0x95 ? 11 : 2; // skip a FRAME opcode
        return head.has(payload, MAGIC_LONG1);
    }

    @Override public boolean torchSavePayload() { return true; }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return LegacyReader.read(ctx, bytes);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        scan.pickles(bytes, 0, PICKLES, false);
    }
}
