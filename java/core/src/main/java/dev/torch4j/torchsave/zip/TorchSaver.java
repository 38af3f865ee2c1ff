package dev.torch4j.torchsave.zip;

import dev.torch4j.ProgressListener;
import dev.torch4j.elements.StorageStreamer;
import dev.torch4j.io.AtomicFile;
import dev.torch4j.zip.AlignedZipWriter;
import dev.torch4j.tensor.Storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes objects as PyTorch 2.x's {@code torch.save} does: a zip archive holding {@code data.pkl}
 * (protocol 2), one {@code data/<key>} record per storage (64-byte aligned, little-endian), and the
 * {@code version}, {@code byteorder}, {@code .format_version}, {@code .storage_alignment},
 * {@code .data/serialization_id} records. The result loads with {@code torch.load(f, weights_only=True)}
 * (PyTorch 1.13's weights_only unpickler lacks BINFLOAT, bytes and quantized tensors: files holding
 * Python floats, bytes or quantized tensors need PyTorch 2.x or {@code weights_only=False} there).
 * Tensor data is streamed from its source, never held in memory; the target appears atomically.
 */
public final class TorchSaver {
    private boolean overwrite = true;
    private boolean forceZip64;
    private ProgressListener progress = ProgressListener.NONE;

    /** Saves {@code root} to {@code target}, replacing an existing file atomically. */
    public static void save(Object root, Path target) throws IOException {
        new TorchSaver().saveTo(root, target);
    }

    /** Whether an existing target may be replaced (default true, like torch.save). */
    public TorchSaver overwrite(boolean overwrite) {
        this.overwrite = overwrite;
        return this;
    }

    public TorchSaver progress(ProgressListener listener) {
        this.progress = listener == null ? ProgressListener.NONE : listener;
        return this;
    }

    /** ZIP64 records even for small archives: lets tests cover the over-4-GiB layout cheaply. */
    TorchSaver forceZip64(boolean force) {
        this.forceZip64 = force;
        return this;
    }

    /**
     * @throws IllegalArgumentException when the tree holds something weights_only loading cannot
     *         rebuild (an arbitrary Java object, a module placeholder...); nothing is written then
     */
    public void saveTo(Object root, Path target) throws IOException {
        TorchPickler pickler = new TorchPickler();
        byte[] pickle = pickler.pickle(root);
        List<TorchPickler.SavedStorage> storages = new ArrayList<>(pickler.storages());
        // torch.save writes records in sorted(key) order: string order, "10" before "2".
        storages.sort(Comparator.comparing(TorchPickler.SavedStorage::key));
        String archive = archiveName(target);
        progress.expect(storages.stream().mapToLong(TorchPickler.SavedStorage::byteLength).sum());
        AtomicFile.write(target, overwrite, channel -> {
            AlignedZipWriter zip = new AlignedZipWriter(channel, forceZip64);
            SerializationId id = new SerializationId();
            id.add("data.pkl", zip.writeEntryCrc(archive + "/data.pkl", pickle));
            id.add(".format_version", zip.writeEntryCrc(archive + "/.format_version", ascii("1")));
            id.add(".storage_alignment", zip.writeEntryCrc(archive + "/.storage_alignment", ascii(Integer.toString(AlignedZipWriter.ALIGNMENT))));
            id.add("byteorder", zip.writeEntryCrc(archive + "/byteorder", ascii("little")));
            for (TorchPickler.SavedStorage s : storages) {
                id.add("data/" + s.key(), writeStorage(zip, archive, s));
            }
            id.add("version", zip.writeEntryCrc(archive + "/version", ascii("3\n")));
            zip.writeEntry(archive + "/.data/serialization_id", ascii(id.value()));
            zip.finish();
        });
    }

    private long writeStorage(AlignedZipWriter zip, String archive, TorchPickler.SavedStorage s) throws IOException {
        Storage storage = s.storage();
        try {
            return zip.writeEntryCrc(archive + "/data/" + s.key(), s.byteLength(), sink ->
                    StorageStreamer.copy(storage.data(), 0, s.byteLength(), s.dtype(), storage.order(), chunk -> {
                        int n = chunk.remaining();
                        sink.write(chunk);
                        progress.written(n);
                    }));
        } catch (UncheckedIOException e) {
            throw new IOException("reading storage " + storage.key() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * The archive's top folder: the file name without extension, as PyTorch's writer names it;
     * "archive" (PyTorch's name for stream targets) when that would be empty or not plain ASCII.
     */
    static String archiveName(Path target) {
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot >= 0) name = name.substring(0, dot);
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != '\\')) return "archive";
        return name;
    }

    private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    /**
     * PyTorch's {@code .data/serialization_id}: 40 decimal digits, a hash of the records' CRCs then a
     * hash of their names (20 digits each). Deterministic, so equal content gives equal files.
     */
    private static final class SerializationId {
        private long crcHash;
        private long nameHash;

        void add(String name, long crc) {
            crcHash = mix(crcHash, crc);
            nameHash = mix(nameHash, name.hashCode());
        }

        private static long mix(long seed, long value) {
            long h = seed ^ (value + 0x9e3779b97f4a7c15L + (seed << 6) + (seed >>> 2));
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            return h;
        }

        String value() {
            return pad(Long.toUnsignedString(crcHash)) + pad(Long.toUnsignedString(nameHash));
        }

        private static String pad(String digits) { return "0".repeat(20 - digits.length()) + digits; }
    }
}
