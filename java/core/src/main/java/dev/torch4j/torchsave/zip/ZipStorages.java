package dev.torch4j.torchsave.zip;

import dev.torch4j.read.PyValues;
import dev.torch4j.rebuild.StorageRef;
import dev.torch4j.rebuild.StorageTypes;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.pickle.PersistentLoader;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;

import dev.torch4j.io.ByteRegion;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.torch4j.read.PyValues.toLong;
import static dev.torch4j.read.PyValues.toStr;

/**
 * Resolves zip-archive persistent ids {@code ('storage', storage_type, key, location, numel)} to
 * the entry {@code <folder><key>}: one lazily mapped {@link Storage} per key, shared by every
 * tensor that names it.
 */
final class ZipStorages implements PersistentLoader {
    private final ZipArchive archive;
    private final String[] folders;
    private final ByteOrder order;
    private final Map<String, Storage> byKey;

    /**
     * @param folders entry-name prefixes to look in, first match wins, e.g. {@code archive/data/};
     *                TorchScript constants live in {@code constants/} but older writers used {@code data/}
     */
    ZipStorages(ZipArchive archive, List<String> folders, ByteOrder order) {
        this.archive = archive;
        this.folders = folders.toArray(new String[0]);
        this.order = order;
        // Sized for one storage per entry up front: growing it step by step rehashed every key
        // ~15 times in a 20,000-tensor file.
        this.byKey = new HashMap<>(archive.size() * 4 / 3 + 16);
    }

    @Override
    public Object load(Object pid) {
        if (!(pid instanceof List<?> id) || id.isEmpty()) {
            throw new IllegalArgumentException("unsupported persistent id " + PyValues.describe(pid));
        }
        String kind = toStr(id.get(0), "persistent id kind");
        if (!"storage".equals(kind) || id.size() < 5) {
            throw new IllegalArgumentException("unsupported persistent id " + PyValues.describe(pid));
        }
        DType dtype = StorageTypes.dtypeOf(id.get(1));
        String key = id.get(2) instanceof Number n ? n.toString() : toStr(id.get(2), "storage key");
        String location = toStr(id.get(3), "storage location");
        long numel = toLong(id.get(4), "storage size");
        long byteSize = StorageTypes.byteSize(dtype, numel);
        Storage storage = byKey.get(key);
        if (storage == null) {
            ZipArchive.Entry entry = null;
            for (String folder : folders) {
                entry = archive.entry(folder.concat(key));
                if (entry != null) break;
            }
            if (entry == null) {
                throw new IllegalArgumentException("storage entry " + folders[0] + key + " is missing from the archive");
            }
            if (entry.size() < byteSize) {
                throw new IllegalArgumentException("storage entry " + entry.name() + " holds " + entry.size() + " bytes, "
                        + byteSize + " declared");
            }
            storage = new Storage(key, location, dtype, byteSize, order, new EntryLoader(archive, entry));
            byKey.put(key, storage);
        }
        return new StorageRef(storage, dtype, 0, numel);
    }

    /**
     * A storage's bytes: its entry, read on first use. It holds the entry and the archive only:
     * capturing this reader would keep its key map (one node per storage) alive as long as the
     * checkpoint. A class rather than a capturing lambda, which the client compiler (short
     * commands) creates through a method-handle call per storage.
     */
    private static final class EntryLoader implements Storage.Loader {
        private final ZipArchive archive;
        private final ZipArchive.Entry entry;

        EntryLoader(ZipArchive archive, ZipArchive.Entry entry) {
            this.archive = archive;
            this.entry = entry;
        }

        @Override public ByteRegion load() throws IOException {
            return archive.read(entry);
        }
    }
}
