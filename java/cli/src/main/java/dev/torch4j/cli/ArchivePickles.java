package dev.torch4j.cli;

import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.io.MappedFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every pickle a PyTorch file holds, for {@code scan}: in a zip archive each entry named
 * {@code *.pkl} or {@code *.debug_pkl} (data.pkl, constants.pkl, bytecode.pkl, extra ones), in a
 * legacy file its five pickles in a row, in a plain pickle file each pickle up to the end.
 * Kept in the CLI because scanning must look past what a loader would read.
 */
final class ArchivePickles {
    /** One pickle: the bytes it lies in, where it starts, and the zip entry name (null outside archives). */
    record Source(String entry, ByteRegion bytes, long start) {}

    /** Legacy torch.save: magic number, protocol version, sys_info, the object, storage keys. */
    private static final int LEGACY_PICKLES = 5;

    /** The magic number legacy files start with, as a protocol-2 LONG1 (0x8a 0x0a + 10 bytes little-endian). */
    private static final byte[] LEGACY_MAGIC_LONG1 = {(byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
            (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    /** The same number in the text protocols 0 and 1. */
    private static final byte[] LEGACY_MAGIC_TEXT = "L119547037146038801333356L".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ArchivePickles() {}

    static boolean isZip(ByteRegion file) {
        return file.size() >= 4 && file.get(0) == 'P' && file.get(1) == 'K' && file.get(2) == 3 && file.get(3) == 4;
    }

    /** Whether the first pickle of a file is the legacy magic number. */
    static boolean isLegacy(ByteRegion file) {
        long at = file.size() >= 2 && file.get(0) == (byte) 0x80 ? 2 : 0; // after PROTO n
        return startsWith(file, at, LEGACY_MAGIC_LONG1) || startsWith(file, at, LEGACY_MAGIC_TEXT);
    }

    /** The pickle entries of a zip archive, read through its central directory. */
    static List<Source> zipEntries(Path path, LoadOptions options) throws IOException {
        List<Source> out = new ArrayList<>();
        try (ZipFile zip = ZipFile.builder().setPath(path).get()) {
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                String name = e.getName();
                if (e.isDirectory() || !(name.endsWith(".pkl") || name.endsWith(".debug_pkl"))) continue;
                long size = e.getSize();
                if (size < 0 || size > options.maxEntryBytes()) {
                    throw TorchFileException.at(path, name, -1, "pickle entry of " + size + " bytes exceeds the limit of "
                            + options.maxEntryBytes());
                }
                byte[] data;
                try (InputStream in = zip.getInputStream(e)) {
                    data = in.readNBytes((int) size);
                    if (data.length != size) {
                        throw TorchFileException.at(path, name, data.length, "entry ends after " + data.length
                                + " of " + size + " bytes");
                    }
                }
                out.add(new Source(name, new HeapRegion(data), 0));
            }
        }
        return out;
    }

    static MappedFile map(Path path) throws IOException {
        return MappedFile.open(path);
    }

    /** How many pickles to read in a row from a non-zip file: five for legacy, else until the bytes end. */
    static int picklesInARow(ByteRegion file) {
        return isLegacy(file) ? LEGACY_PICKLES : Integer.MAX_VALUE;
    }

    private static boolean startsWith(ByteRegion r, long at, byte[] prefix) {
        if (r.size() - at < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if (r.get(at + i) != prefix[i]) return false;
        }
        return true;
    }
}
