package dev.torch4j.torchsave.legacy;

import dev.torch4j.ErrorKind;
import dev.torch4j.read.PyValues;
import dev.torch4j.rebuild.StorageRef;
import dev.torch4j.rebuild.StorageTypes;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.pickle.PersistentLoader;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.torch4j.read.PyValues.toLong;
import static dev.torch4j.read.PyValues.toStr;

/**
 * Legacy torch.save storages. The object pickle names them by persistent id
 * {@code ('storage', storage_type, root_key, location, numel, view_metadata)}; their bytes follow
 * the storage-key list, each as an 8-byte little-endian element count and the raw elements, in
 * key-list order. Storages are created while unpickling and bound to their bytes afterwards.
 */
public final class LegacyStorages implements PersistentLoader {
    private final String file;
    private final Map<String, Storage> roots = new LinkedHashMap<>();
    private final Map<String, StorageRef> views = new HashMap<>();
    private final Map<String, ByteRegion> regions = new HashMap<>();

    LegacyStorages(String file) {
        this.file = file;
    }

    public static String key(Object v) {
        return v instanceof Number n ? n.toString() : toStr(v, "storage key");
    }

    @Override
    public Object load(Object pid) {
        if (!(pid instanceof List<?> id) || id.isEmpty()) {
            throw new IllegalArgumentException("unsupported persistent id " + PyValues.describe(pid));
        }
        String kind = toStr(id.get(0), "persistent id kind");
        if ("module".equals(kind)) {
            // ('module', class, source_file, source): PyTorch returns the class itself.
            if (id.size() < 2) throw new IllegalArgumentException("module persistent id without a class");
            return id.get(1);
        }
        if (!"storage".equals(kind) || id.size() < 5) {
            throw new IllegalArgumentException("unsupported persistent id " + PyValues.describe(pid));
        }
        DType dtype = StorageTypes.dtypeOf(id.get(1));
        if (dtype == null) throw new IllegalArgumentException("legacy storage without an element type");
        String rootKey = key(id.get(2));
        String location = toStr(id.get(3), "storage location");
        long numel = toLong(id.get(4), "storage size");
        long byteSize = StorageTypes.byteSize(dtype, numel);
        Storage root = roots.get(rootKey);
        if (root == null) {
            root = new Storage(rootKey, location, dtype, byteSize, ByteOrder.LITTLE_ENDIAN, () -> region(rootKey));
            roots.put(rootKey, root);
        }
        Object view = id.size() > 5 ? id.get(5) : null;
        if (view == null) return new StorageRef(root, dtype, 0, numel);
        if (!(view instanceof List<?> v) || v.size() < 3) {
            throw new IllegalArgumentException("storage view metadata must be (view_key, offset, size), got "
                    + PyValues.describe(view));
        }
        String viewKey = key(v.get(0));
        long offset = toLong(v.get(1), "view offset");
        long size = toLong(v.get(2), "view size");
        if (offset < 0 || size < 0 || offset > root.byteSize() / dtype.itemSize() - size) {
            throw new IllegalArgumentException("storage view " + viewKey + " [" + offset + ", +" + size
                    + ") lies outside root storage " + rootKey);
        }
        Storage r = root;
        return views.computeIfAbsent(viewKey, k -> new StorageRef(r, dtype, offset, size));
    }

    private ByteRegion region(String key) throws IOException {
        ByteRegion r = regions.get(key);
        if (r == null) throw new TorchFileException(file, null, -1, "storage " + key + " has no data in the file");
        return r;
    }

    /**
     * Locates each storage's bytes: {@code keys} in file order starting at {@code start}.
     *
     * @return the offset just past the last storage
     */
    long bind(List<?> keys, ByteRegion bytes, long start) throws TorchFileException {
        long pos = start;
        for (Object k : keys) {
            String key;
            try {
                key = key(k);
            } catch (IllegalArgumentException e) {
                throw new TorchFileException(file, null, pos, "bad storage key: " + e.getMessage());
            }
            Storage s = roots.get(key);
            if (s == null) throw new TorchFileException(file, null, pos, "storage key " + key + " was never referenced");
            if (pos > bytes.size() - 8) {
                throw new TorchFileException(ErrorKind.TRUNCATED, file, null, pos, "file ends before the size of storage " + key + " (truncated?)");
            }
            long count = readLittleEndianLong(bytes, pos);
            int itemSize = s.dtype().itemSize();
            if (count < 0 || count > (bytes.size() - pos - 8) / itemSize) {
                throw new TorchFileException(ErrorKind.TRUNCATED, file, null, pos, "storage " + key + " declares " + count + " elements of "
                        + itemSize + " bytes but only " + (bytes.size() - pos - 8) + " bytes remain (truncated?)");
            }
            long length = count * itemSize;
            if (length != s.byteSize()) {
                throw new TorchFileException(file, null, pos, "storage " + key + " holds " + length + " bytes, the pickle declared "
                        + s.byteSize());
            }
            regions.put(key, bytes.subRegion(pos + 8, length));
            pos += 8 + length;
        }
        for (String key : roots.keySet()) {
            if (!regions.containsKey(key)) {
                throw new TorchFileException(file, null, pos, "storage " + key + " is referenced but missing from the key list");
            }
        }
        return pos;
    }

    public static long readLittleEndianLong(ByteRegion bytes, long pos) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (bytes.get(pos + i) & 0xff);
        return v;
    }
}
