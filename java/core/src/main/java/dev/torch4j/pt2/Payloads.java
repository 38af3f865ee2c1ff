package dev.torch4j.pt2;

import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.read.ReadContext;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.torchsave.legacy.LegacyReader;
import dev.torch4j.torchsave.zip.ZipTorchReader;
import dev.torch4j.zip.ZipArchive;

import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights and constants of one model: torch.save payloads read as torch.load would (tensors
 * stay lazy views of the nested archive's entries), or raw storage bytes described by a payload
 * config's tensor_meta (one storage per file, shared by every tensor naming it: tied weights stay tied).
 */
final class Payloads {
    /**
     * A fake (data-less) tensor is stored as an empty record; PyTorch loads zeros in its place. A
     * zero-byte record must not make us allocate gigabytes: beyond this the file is refused.
     */
    private static final long MAX_ZEROS = 256L << 20;

    private final ReadContext ctx;
    private final ZipArchive zip;
    private final Map<String, Storage> rawStorages = new HashMap<>();

    Payloads(ReadContext ctx, ZipArchive zip) {
        this.ctx = ctx;
        this.zip = zip;
    }

    /** A torch.save payload stored as an entry: its object, as torch.load returns it. */
    Object torchSave(String entry) throws TorchFileException {
        ByteRegion bytes = zip.read(entry);
        if (bytes.size() >= 4 && bytes.get(0) == 'P' && bytes.get(1) == 'K') {
            ZipArchive nested = ZipArchive.open(ctx.file() + " [entry " + entry + "]", bytes, ctx.options().maxEntryBytes());
            return ZipTorchReader.read(ctx, nested).root();
        }
        return LegacyReader.read(ctx, bytes).root();
    }

    /**
     * Every tensor of a PayloadConfig JSON ({@code {"config": {fqn: PayloadMeta}}}) into {@code out};
     * pickled custom and opaque objects are listed in {@code objects}, not unpickled.
     */
    void config(String configEntry, String dir, Map<Object, Object> out, String prefix, List<String> objects)
            throws TorchFileException {
        Map<String, Object> config;
        try {
            config = JsonTree.object(JsonTree.object(Pt2Archive.json(zip, configEntry), "payload config").get("config"), "config");
        } catch (IllegalArgumentException e) {
            throw new TorchFileException(zip.file(), configEntry, -1, e.getMessage());
        }
        for (Map.Entry<String, Object> e : config.entrySet()) {
            String fqn = e.getKey();
            try {
                Map<String, Object> m = JsonTree.object(e.getValue(), fqn);
                String path = JsonTree.string(m.get("path_name"), fqn + ".path_name");
                if (path.contains("/") || path.contains("\\")) {
                    throw new IllegalArgumentException(fqn + ".path_name " + path + " leaves " + dir);
                }
                boolean pickled = JsonTree.bool(m.get("use_pickle"), false);
                Object metaJson = m.get("tensor_meta");
                if (metaJson == null) {
                    objects.add(prefix + fqn + " (" + path + ")");
                } else if (pickled) {
                    out.put(prefix + fqn, torchSave(dir + path));
                } else {
                    TensorMeta meta = TensorMeta.parse(metaJson, fqn + ".tensor_meta");
                    out.put(prefix + fqn, raw(dir + path, meta, JsonTree.bool(m.get("is_param"), false)));
                }
            } catch (IllegalArgumentException ex) {
                throw new TorchFileException(zip.file(), configEntry, -1, ex.getMessage());
            }
        }
    }

    private Tensor raw(String entryName, TensorMeta meta, boolean param) throws TorchFileException {
        ZipArchive.Entry entry = zip.entry(entryName);
        if (entry == null) throw new TorchFileException(zip.file(), entryName, -1, "weight file missing from the archive");
        DType dtype = meta.dtype();
        if (dtype == null) throw new TorchFileException(zip.file(), entryName, -1, "unsupported scalar type " + meta.dtypeCode());
        if (meta.sizes() == null) throw new TorchFileException(zip.file(), entryName, -1, "symbolic size " + meta.dims() + " for a stored weight");
        long[] sizes = meta.sizes();
        long[] strides = meta.strides() != null ? meta.strides() : Tensor.contiguousStrides(sizes);
        if (strides.length != sizes.length) {
            throw new TorchFileException(zip.file(), entryName, -1, strides.length + " strides for " + sizes.length + " dimensions");
        }
        Storage storage = rawStorages.get(entryName);
        if (storage == null) {
            storage = entry.size() == 0 ? zeros(entryName, dtype, sizes) : new Storage(entryName, "cpu", dtype, entry.size(),
                    ByteOrder.LITTLE_ENDIAN, () -> zip.read(entry));
            if (entry.size() % dtype.itemSize() != 0) {
                throw new TorchFileException(zip.file(), entryName, 0, "holds " + entry.size() + " bytes, not a multiple of "
                        + dtype.pythonName() + "'s " + dtype.itemSize());
            }
            rawStorages.put(entryName, storage);
        }
        try {
            return new Tensor(dtype, sizes, strides, entry.size() == 0 ? 0 : meta.storageOffset(), storage,
                    meta.requiresGrad(), param, null);
        } catch (IllegalArgumentException e) {
            throw new TorchFileException(zip.file(), entryName, 0, e.getMessage());
        }
    }

    /** The zeros PyTorch puts in place of an empty record (a fake tensor was exported), allocated on first read. */
    private Storage zeros(String entryName, DType dtype, long[] sizes) throws TorchFileException {
        long n;
        try {
            n = dev.torch4j.numpy.ArrayViews.byteCount(sizes, dtype.itemSize());
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new TorchFileException(zip.file(), entryName, 0, "size " + java.util.Arrays.toString(sizes) + " overflows");
        }
        if (n > MAX_ZEROS) throw new TorchFileException(zip.file(), entryName, 0, "an empty record standing for " + n + " bytes of zeros");
        long bytes = n;
        return new Storage(entryName, "cpu", dtype, bytes, ByteOrder.LITTLE_ENDIAN, () -> new HeapRegion(new byte[(int) bytes]));
    }
}
