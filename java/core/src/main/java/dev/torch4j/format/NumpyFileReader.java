package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.numpy.ArrayViews;
import dev.torch4j.numpy.NpyFile;
import dev.torch4j.numpy.TextArrays;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.zip.ZipArchive;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * numpy's own files. A {@code .npy} holds one array: its tensor views the file in place (mapped, no
 * copy), in the header's byte order and C or Fortran order. A {@code .npz} is a zip of {@code .npy}
 * entries named after the arrays ({@code arr_0}... for positional ones): stored entries are viewed in
 * place, deflated ones ({@code savez_compressed}) inflated once. Object arrays hold a pickle instead
 * of elements; it is read inertly by the safe pickle machine (their values; numeric arrays inside
 * them are tensors). String arrays ({@code <U3}, {@code |S5}) are read as values: the strings
 * numpy's {@code tolist()} gives, so an {@code .npz} with a label member still reads.
 */
final class NumpyFileReader {
    private NumpyFileReader() {}

    /** True for a zip whose entries are all {@code .npy} files: what numpy's savez writes. */
    static boolean isNpz(ZipArchive zip) {
        // The live name set, not a copy: a torch.save archive of 20,000 tensors is answered at its first name.
        for (String name : zip.nameSet()) {
            if (!name.endsWith(".npy")) return false;
        }
        return zip.size() > 0;
    }

    static LoadedFile readNpy(ReadContext ctx, ByteRegion bytes) throws TorchFileException {
        NpyFile.Header h = NpyFile.readHeader(bytes, ctx.file(), null);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", Format.NPY.id());
        meta.put("npy.version", (long) h.version());
        if (h.fortranOrder()) meta.put("npy.fortran_order", true);
        return new LoadedFile(Format.NPY, array(ctx, bytes, h, null, "npy"), meta, null);
    }

    static LoadedFile readNpz(ReadContext ctx, ZipArchive zip) throws TorchFileException {
        Map<Object, Object> arrays = new LinkedHashMap<>();
        for (String name : zip.names()) {
            ByteRegion entry = zip.read(name);
            NpyFile.Header h = NpyFile.readHeader(entry, ctx.file(), name);
            arrays.put(name.substring(0, name.length() - ".npy".length()), array(ctx, entry, h, name, name));
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", Format.NPZ.id());
        meta.put("npz.arrays", (long) arrays.size());
        return new LoadedFile(Format.NPZ, arrays, meta, null);
    }

    private static Object array(ReadContext ctx, ByteRegion bytes, NpyFile.Header h, String entry, String key)
            throws TorchFileException {
        if (h.isObjectArray()) {
            return ctx.unpickle(bytes, h.dataOffset(), entry, null, null).value();
        }
        long need = h.dataBytes();
        long available = bytes.size() - h.dataOffset();
        if (available < need) {
            throw new TorchFileException(ErrorKind.TRUNCATED, ctx.file(), entry, h.dataOffset(), "data holds " + available
                    + " bytes, the header's " + h + " needs " + need + " (truncated?)");
        }
        try {
            if (h.isTextArray()) {
                return TextArrays.decode(bytes.subRegion(h.dataOffset(), need), h.text(), h.shape(), h.fortranOrder());
            }
            return ArrayViews.over(bytes.subRegion(h.dataOffset(), need), h.dtype(), h.order(), h.shape(),
                    h.fortranOrder(), key);
        } catch (IllegalArgumentException e) {
            throw new TorchFileException(ctx.file(), entry, h.dataOffset(), e.getMessage());
        }
    }
}
