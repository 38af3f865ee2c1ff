package dev.torch4j.scan;

import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.torchsave.tar.TarMembers;

import java.util.List;
import java.util.Map;

/**
 * The 0.1.x tar layout as {@code torch.load}'s {@code legacy_load} reads it: Python's tarfile takes
 * any archive whose first header checksum is right (v7 tars have no "ustar" magic), the last member
 * of a name wins, and three members hold pickles: {@code storages} (a count, then per storage a
 * pickle of (key, location, storage type), an 8-byte element count and the raw elements, then the
 * views), {@code tensors} (a count, then per tensor two pickles and fixed-size numbers) and
 * {@code pickle} (the object). Every one of those pickles is rated; the raw bytes between them are
 * skipped exactly as the loader skips them.
 */
final class TarScan {
    private static final int BLOCK = 512;

    private TarScan() {}

    static void scan(ScanSession session, ByteRegion bytes, List<String> chain, int depth) throws TorchFileException {
        Map<String, ByteRegion> members = TarMembers.read(session.file(), bytes).files();
        for (String required : List.of("storages", "tensors", "pickle")) {
            if (!members.containsKey(required)) {
                throw new TorchFileException(session.file(), required, 0, "tar-layout torch.save without its '" + required + "' member");
            }
        }
        storages(session, members.get("storages"), chain, depth);
        tensors(session, members.get("tensors"), chain, depth);
        session.scanOnePickle(members.get("pickle"), 0, "pickle", with(chain, "pickle"), depth);
    }

    private static void storages(ScanSession session, ByteRegion m, List<String> chain, int depth) throws TorchFileException {
        List<String> at = with(chain, "storages");
        long[] count = new long[1];
        long pos = session.scanOnePickle(m, 0, "storages", at, depth, count);
        for (long i = 0; i < count[0]; i++) {
            String[] storageType = new String[1];
            pos = session.scanOnePickle(m, pos, "storages", at, depth, null, storageType);
            int elementSize = elementSize(storageType[0]);
            if (elementSize < 0) {
                throw new TorchFileException(session.file(), "storages", pos, "storage type " + storageType[0]
                        + " is not one the loader can size: where the next pickle starts is unknown");
            }
            long n = le64(session, m, pos);
            if (n < 0 || n > (m.size() - pos - 8) / elementSize) {
                throw new TorchFileException(session.file(), "storages", pos, "storage of " + n + " elements runs past the member's end");
            }
            pos += 8 + n * elementSize;
        }
        session.scanOnePickle(m, pos, "storages", at, depth); // the views
    }

    private static void tensors(ScanSession session, ByteRegion m, List<String> chain, int depth) throws TorchFileException {
        List<String> at = with(chain, "tensors");
        long[] count = new long[1];
        long pos = session.scanOnePickle(m, 0, "tensors", at, depth, count);
        for (long i = 0; i < count[0]; i++) {
            pos = session.scanOnePickle(m, pos, "tensors", at, depth); // key
            pos = session.scanOnePickle(m, pos, "tensors", at, depth); // storage id
            if (pos + 8 > m.size()) throw new TorchFileException(session.file(), "tensors", pos, "truncated tensor record");
            long ndim = (m.get(pos) & 0xffL) | (m.get(pos + 1) & 0xffL) << 8 | (m.get(pos + 2) & 0xffL) << 16 | (long) m.get(pos + 3) << 24;
            if (ndim < 0 || ndim > 1024) throw new TorchFileException(session.file(), "tensors", pos, "tensor with " + ndim + " dimensions");
            pos += 8 + 16 * ndim + 8;
            if (pos > m.size()) throw new TorchFileException(session.file(), "tensors", pos, "truncated tensor record");
        }
    }

    /** torch._utils._element_size of a legacy storage class. */
    private static int elementSize(String storageClass) {
        if (storageClass == null) return -1;
        String n = storageClass.substring(storageClass.lastIndexOf('.') + 1);
        return switch (n) {
            case "DoubleStorage", "LongStorage", "ComplexFloatStorage" -> n.startsWith("Complex") ? 8 : 8;
            case "ComplexDoubleStorage" -> 16;
            case "FloatStorage", "IntStorage", "QInt32Storage" -> 4;
            case "HalfStorage", "ShortStorage", "BFloat16Storage" -> 2;
            case "ByteStorage", "CharStorage", "BoolStorage", "QUInt8Storage", "QInt8Storage", "QUInt4x2Storage", "QUInt2x4Storage" -> 1;
            default -> -1;
        };
    }

    private static long le64(ScanSession session, ByteRegion m, long pos) throws TorchFileException {
        if (pos + 8 > m.size()) throw new TorchFileException(session.file(), "storages", pos, "truncated storage size");
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (m.get(pos + i) & 0xff);
        return v;
    }

    private static List<String> with(List<String> chain, String link) {
        List<String> out = new java.util.ArrayList<>(chain);
        out.add(link);
        return out;
    }
}
