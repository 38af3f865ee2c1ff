package dev.torch4j.cli;

import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.format.Container;
import dev.torch4j.format.FormatDetector;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.io.ByteRegion;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the pickles of a PyTorch file are, for {@code scan}: every zip entry named {@code *.pkl} or
 * {@code *.debug_pkl} (data.pkl, constants.pkl, bytecode.pkl, and any extra one a loader would not
 * read), the five pickles in a row of a legacy file, or each pickle of a plain pickle file.
 * Kept in the CLI because a scan must look past what a loader reads.
 */
final class ArchivePickles {
    /**
     * A run of pickles: the zip entry (null outside archives), its bytes, and how many pickles lie
     * back to back from offset 0 ({@link Integer#MAX_VALUE}: as long as another one starts).
     */
    record Source(String entry, ByteRegion bytes, int count) {}

    /** Legacy torch.save: magic number, protocol version, sys_info, the object, storage keys. */
    private static final int LEGACY_PICKLES = 5;

    private ArchivePickles() {}

    static Container container(Path path, ByteRegion file) throws TorchFileException {
        byte[] head = new byte[(int) Math.min(FormatDetector.HEAD_BYTES, file.size())];
        file.copyTo(0, head, 0, head.length);
        int last = file.size() == 0 ? -1 : file.get(file.size() - 1) & 0xff;
        return FormatDetector.detect(path.toString(), head, file.size(), last);
    }

    /** The pickles of a zip, legacy or plain pickle file (not of the 0.1.x tar layout). */
    static List<Source> sources(Path path, ByteRegion file, Container container) throws TorchFileException {
        List<Source> out = new ArrayList<>();
        switch (container) {
            case ZIP -> {
                ZipArchive zip = ZipArchive.open(path, file, LoadOptions.DEFAULT.maxEntryBytes());
                for (String name : zip.names()) {
                    if (name.endsWith(".pkl") || name.endsWith(".debug_pkl")) out.add(new Source(name, zip.read(name), 1));
                }
            }
            case LEGACY -> out.add(new Source(null, file, LEGACY_PICKLES));
            case PICKLE -> out.add(new Source(null, file, Integer.MAX_VALUE));
            case LEGACY_TAR -> throw new IllegalArgumentException("tar layout: use the loader");
            case SAFETENSORS -> { } // no pickle at all: nothing in it can run code
        }
        return out;
    }
}
