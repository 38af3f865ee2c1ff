package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.safetensors.SafetensorsFile;

import java.io.IOException;

/**
 * A safetensors file: 8-byte header length, JSON header, raw tensor data. It has no object tree,
 * so it opens as a checkpoint of its own ({@link SafetensorsFile}), and nothing in it can run code.
 */
final class SafetensorsFormat implements ContainerFormat {
    @Override public String name() { return "safetensors"; }

    @Override public Format format() { return Format.SAFETENSORS; }

    /** An 8-byte little-endian JSON header length that fits the file, followed by '{'. */
    @Override public boolean recognises(HeadTail head) {
        if (head.length() < 9 || head.at(8) != '{') return false;
        long n = 0;
        for (int i = 7; i >= 0; i--) n = (n << 8) | head.at(i);
        return n > 0 && n <= head.size() - 8;
    }

    @Override public Checkpoint open(Opening opening) throws IOException {
        return SafetensorsFile.open(opening.path(), opening.bytes(), opening.resource());
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        throw head.error(ErrorKind.UNSUPPORTED, 0, "a safetensors file has no object tree to read: it opens as a checkpoint of its own");
    }

    /**
     * A JSON header and raw numbers, but pickle.load (and torch.load's legacy path) would read the same
     * bytes as opcodes: they are scanned that way too; when they do not parse, nothing runs.
     */
    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) {
        scan.embeddedPickle(bytes);
    }
}
