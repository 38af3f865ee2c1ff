package dev.torch4j.torchsave.tar;

import dev.torch4j.ErrorKind;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.PyValues;
import dev.torch4j.read.ReadContext;
import dev.torch4j.rebuild.StorageRef;
import dev.torch4j.rebuild.StorageTypes;
import dev.torch4j.rebuild.TensorBuilder;
import dev.torch4j.torchsave.legacy.LegacyStorages;
import dev.torch4j.torchsave.legacy.PickleProtocol;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.pickle.PersistentLoader;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.torch4j.read.PyValues.toLong;

/**
 * The 0.1.x torch.save layout: a tar whose {@code storages} member lists storages (a pickle of
 * (key, location, storage_type) then an 8-byte count and the raw elements, per storage, then the
 * views), whose {@code tensors} member describes tensors in binary, and whose {@code pickle}
 * member refers to both by key.
 */
public final class LegacyTarReader {
    private LegacyTarReader() {}

    public static LoadedFile read(ReadContext ctx, ByteRegion bytes) throws TorchFileException {
        String file = ctx.file();
        TarMembers.Members walk = TarMembers.read(file, bytes);
        Map<String, ByteRegion> members = walk.files();
        for (String required : List.of("storages", "tensors", "pickle")) {
            if (!members.containsKey(required)) {
                // The offset is in the file, where the member list ended: the entry is named in the reason.
                throw walk.complete()
                        ? new TorchFileException(file, null, walk.end(), "tar layout without a '" + required + "' member")
                        : new TorchFileException(ErrorKind.TRUNCATED, file, null, walk.end(), "tar archive ends at byte "
                                + walk.end() + " before its '" + required + "' member (truncated?)");
            }
        }
        Map<String, Object> objects = new HashMap<>();
        readStorages(ctx, members.get("storages"), objects);
        readTensors(ctx, members.get("tensors"), objects);
        PersistentLoader loader = pid -> {
            if (pid instanceof List<?> t && !t.isEmpty()) return t.get(0); // (module class, source file, source)
            String key = pid instanceof Number n ? n.toString() : LegacyStorages.key(pid);
            Object o = objects.get(normalize(key));
            if (o == null) throw new IllegalArgumentException("unknown storage or tensor key " + key);
            return o;
        };
        Object root = ctx.unpickle(members.get("pickle"), 0, "pickle", loader, null).value();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", Format.LEGACY.id());
        meta.put("legacy.layout", "tar");
        meta.put("pickle.protocol", PickleProtocol.of(members.get("pickle")));
        return new LoadedFile(Format.LEGACY, root, meta, null);
    }

    private static String normalize(String key) {
        try {
            return Long.toString(Long.parseLong(key.trim()));
        } catch (NumberFormatException e) {
            return key;
        }
    }

    private static void readStorages(ReadContext ctx, ByteRegion region, Map<String, Object> objects)
            throws TorchFileException {
        String file = ctx.file();
        ReadContext.Unpickled count = ctx.unpickle(region, 0, "storages", null, null);
        long n = toLongChecked(file, "storages", count.value(), 0);
        long pos = count.end();
        for (long i = 0; i < n; i++) {
            ReadContext.Unpickled header = header(ctx, region, pos, "storages", 3, "(key, location, storage_type)");
            List<?> h = (List<?>) header.value();
            String key = normalize(LegacyStorages.key(h.get(0)));
            String location = PyValues.toStr(h.get(1), "location");
            DType dtype;
            try {
                dtype = StorageTypes.dtypeOf(h.get(2));
            } catch (IllegalArgumentException e) {
                throw new TorchFileException(file, "storages", pos, e.getMessage());
            }
            if (dtype == null) throw new TorchFileException(file, "storages", pos, "untyped storage in a tar-layout file");
            pos = header.end();
            long elements = longAt(file, region, pos, "storages", "storage size");
            if (elements < 0 || elements > (region.size() - pos - 8) / dtype.itemSize()) {
                throw new TorchFileException(ErrorKind.TRUNCATED, file, "storages", pos, "storage " + key + " of " + elements
                        + " elements runs past the end of the member");
            }
            ByteRegion data = region.subRegion(pos + 8, elements * dtype.itemSize());
            Storage s = new Storage(key, location, dtype, data.size(), ByteOrder.LITTLE_ENDIAN, () -> data);
            objects.put(key, new StorageRef(s, dtype, 0, elements));
            pos += 8 + data.size();
        }
        ReadContext.Unpickled views = ctx.unpickle(region, pos, "storages", null, null);
        if (views.value() instanceof List<?> list) {
            for (Object v : list) {
                if (!(v instanceof List<?> t) || t.size() < 4) continue;
                String target = normalize(LegacyStorages.key(t.get(0)));
                Object root = objects.get(normalize(LegacyStorages.key(t.get(1))));
                if (!(root instanceof StorageRef r)) {
                    throw new TorchFileException(file, "storages", views.end(), "view of unknown storage " + t.get(1));
                }
                long offset = toLong(t.get(2), "view offset");
                long numel = toLong(t.get(3), "view size");
                if (offset < 0 || numel < 0 || offset > r.numel() - numel) {
                    throw new TorchFileException(file, "storages", views.end(), "storage view outside its root");
                }
                objects.put(target, new StorageRef(r.storage(), r.dtype(), offset, numel));
            }
        }
    }

    private static void readTensors(ReadContext ctx, ByteRegion region, Map<String, Object> objects)
            throws TorchFileException {
        String file = ctx.file();
        ReadContext.Unpickled count = ctx.unpickle(region, 0, "tensors", null, null);
        long n = toLongChecked(file, "tensors", count.value(), 0);
        long pos = count.end();
        for (long i = 0; i < n; i++) {
            ReadContext.Unpickled header = header(ctx, region, pos, "tensors", 2, "(key, storage_id, tensor_type)");
            List<?> h = (List<?>) header.value();
            String key = normalize(LegacyStorages.key(h.get(0)));
            Object storage = objects.get(normalize(LegacyStorages.key(h.get(1))));
            if (!(storage instanceof StorageRef ref)) {
                throw new TorchFileException(file, "tensors", pos, "tensor over unknown storage " + h.get(1));
            }
            pos = header.end();
            long ndim = longAt(file, region, pos, "tensors", "tensor header") & 0xffffffffL; // int32 plus 4 padding bytes
            if (ndim > 64 || pos + 8 + 16 * ndim + 8 > region.size()) {
                throw new TorchFileException(file, "tensors", pos, "corrupt tensor header (" + ndim + " dimensions)");
            }
            pos += 8;
            List<Long> size = new java.util.ArrayList<>();
            List<Long> stride = new java.util.ArrayList<>();
            for (int d = 0; d < ndim; d++) size.add(LegacyStorages.readLittleEndianLong(region, pos + 8L * d));
            pos += 8 * ndim;
            for (int d = 0; d < ndim; d++) stride.add(LegacyStorages.readLittleEndianLong(region, pos + 8L * d));
            pos += 8 * ndim;
            long offset = LegacyStorages.readLittleEndianLong(region, pos);
            pos += 8;
            try {
                Tensor t = TensorBuilder.build("tensor " + key, ref, offset, size, stride, null, false);
                objects.put(key, t);
            } catch (IllegalArgumentException e) {
                throw new TorchFileException(file, "tensors", pos, e.getMessage());
            }
        }
    }

    /** The pickled header tuple of one record at {@code pos}, with at least {@code minItems} items. */
    private static ReadContext.Unpickled header(ReadContext ctx, ByteRegion region, long pos, String entry, int minItems,
            String expected) throws TorchFileException {
        ReadContext.Unpickled header = ctx.unpickle(region, pos, entry, null, null);
        if (!(header.value() instanceof List<?> h) || h.size() < minItems) {
            throw new TorchFileException(ctx.file(), entry, pos, "expected " + expected);
        }
        return header;
    }

    /** The little-endian int64 at {@code pos}; a truncation error naming {@code what} when the member ends first. */
    private static long longAt(String file, ByteRegion region, long pos, String entry, String what) throws TorchFileException {
        if (pos > region.size() - 8) throw new TorchFileException(ErrorKind.TRUNCATED, file, entry, pos, "truncated " + what);
        return LegacyStorages.readLittleEndianLong(region, pos);
    }

    private static long toLongChecked(String file, String entry, Object v, long pos) throws TorchFileException {
        if (v instanceof Number n && n.longValue() >= 0 && n.longValue() < Integer.MAX_VALUE) return n.longValue();
        throw new TorchFileException(file, entry, pos, "expected a count, got " + PyValues.describe(v));
    }
}
