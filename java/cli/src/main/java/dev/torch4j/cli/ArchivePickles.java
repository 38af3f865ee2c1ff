package dev.torch4j.cli;

import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.format.Container;
import dev.torch4j.format.FormatDetector;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.numpy.JoblibCompression;
import dev.torch4j.numpy.NpyFile;

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
                    // .npz: an object array's .npy entry holds a pickle after its header.
                    if (name.endsWith(".npy")) addObjectArray(out, path, name, zip.read(name));
                }
            }
            case NPY -> addObjectArray(out, path, null, file);
            case COMPRESSED -> {
                // joblib's whole-file compression: the pickle inside (bz2/xz/lzma/lz4 are refused by name).
                byte[] head = new byte[(int) Math.min(FormatDetector.HEAD_BYTES, file.size())];
                file.copyTo(0, head, 0, head.length);
                byte[] inner = JoblibCompression.decompress(path.toString(), file, JoblibCompression.detect(head),
                        LoadOptions.DEFAULT.maxEntryBytes());
                out.add(new Source(null, new HeapRegion(inner), Integer.MAX_VALUE));
            }
            case LEGACY -> out.add(new Source(null, file, LEGACY_PICKLES));
            case PICKLE -> out.add(new Source(null, file, Integer.MAX_VALUE));
            case LEGACY_TAR -> throw new IllegalArgumentException("tar layout: use the loader");
            case SAFETENSORS -> { } // no pickle at all: nothing in it can run code
        }
        return out;
    }

    /** The pickle of a {@code .npy} object array (numpy.save with allow_pickle), which starts after the header. */
    private static void addObjectArray(List<Source> out, Path path, String entry, ByteRegion npy) throws TorchFileException {
        NpyFile.Header h = NpyFile.readHeader(npy, path.toString(), entry);
        if (h.isObjectArray()) out.add(new Source(entry, npy.subRegion(h.dataOffset(), npy.size() - h.dataOffset()), 1));
    }
}
