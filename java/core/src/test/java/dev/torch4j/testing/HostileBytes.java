package dev.torch4j.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Builders and patchers for hostile inputs: a pickle opcode writer, a zip writer that can lie in
 * every field, and a locator for the records of an existing zip (to corrupt real PyTorch files).
 */
public final class HostileBytes {
    private HostileBytes() {}

    /** Writes pickle opcodes by hand, so tests can say exactly what a hostile pickle holds. */
    public static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Pickle op(int... ops) {
            for (int o : ops) out.write(o);
            return this;
        }

        public Pickle repeat(int times, int... ops) {
            for (int i = 0; i < times; i++) op(ops);
            return this;
        }

        public Pickle proto(int v) { return op(0x80, v); }

        public Pickle global(String module, String name) {
            op('c');
            ascii(module + "\n" + name + "\n");
            return this;
        }

        public Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            le(b.length, 4);
            out.writeBytes(b);
            return this;
        }

        /** BININT for small values, LONG1 (8 bytes, two's complement) otherwise. */
        public Pickle integer(long v) {
            if (v >= 0 && v <= Integer.MAX_VALUE) {
                op('J');
                le(v, 4);
            } else {
                op(0x8a, 8);
                le(v, 8);
            }
            return this;
        }

        /** BINBYTES (protocol 3+). */
        public Pickle bytes(byte[] b) {
            op('B');
            le(b.length, 4);
            out.writeBytes(b);
            return this;
        }

        public Pickle tuple(long... values) {
            op('(');
            for (long v : values) integer(v);
            return op('t');
        }

        public Pickle ascii(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        public Pickle le(long v, int n) {
            for (int i = 0; i < n; i++) out.write((int) (v >>> (8 * i)));
            return this;
        }

        public Pickle stop() { return op('.'); }

        public byte[] bytes() { return out.toByteArray(); }

        /**
         * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}
         * over persistent id {@code ('storage', FloatStorage, '0', 'cpu', numel)}, as torch.save writes it.
         */
        public static byte[] floatTensor(long numel, long offset, long[] size, long[] stride) {
            Pickle p = new Pickle().proto(2).global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(numel).op('t', 'Q');
            p.integer(offset).tuple(size).tuple(stride).op(0x89).global("collections", "OrderedDict").op(')', 'R');
            return p.op('t', 'R').stop().bytes();
        }
    }

    /** One zip member; every size field may lie. */
    public record ZipEntry(String name, int method, byte[] data, long size, long compressedSize, long crc,
                    byte[] localExtra, byte[] centralExtra, Long localHeaderOffsetOverride) {
        public static ZipEntry stored(String name, byte[] data) {
            return new ZipEntry(name, 0, data, data.length, data.length, HostileBytes.crc(data), new byte[0], new byte[0], null);
        }

        public ZipEntry withSizes(long size, long compressedSize) {
            return new ZipEntry(name, method, data, size, compressedSize, crc, localExtra, centralExtra, localHeaderOffsetOverride);
        }

        public ZipEntry withExtras(byte[] local, byte[] central) {
            return new ZipEntry(name, method, data, size, compressedSize, crc, local, central, localHeaderOffsetOverride);
        }

        public ZipEntry withLocalHeaderOffset(long lho) {
            return new ZipEntry(name, method, data, size, compressedSize, crc, localExtra, centralExtra, lho);
        }
    }

    public static long crc(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        return c.getValue();
    }

    /** A zip with the given members; 32-bit size fields hold the low bits (0xFFFFFFFF means "see ZIP64 extra"). */
    public static byte[] zip(List<ZipEntry> entries) {
        ByteBuffer b = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> offsets = new ArrayList<>();
        for (ZipEntry e : entries) {
            offsets.add(b.position());
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            b.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) e.method())
                    .putInt(0).putInt((int) e.crc()).putInt((int) e.compressedSize()).putInt((int) e.size())
                    .putShort((short) name.length).putShort((short) e.localExtra().length).put(name).put(e.localExtra())
                    .put(e.data());
        }
        int cdStart = b.position();
        for (int i = 0; i < entries.size(); i++) {
            ZipEntry e = entries.get(i);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            long lho = e.localHeaderOffsetOverride() != null ? e.localHeaderOffsetOverride() : offsets.get(i);
            b.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) e.method())
                    .putInt(0).putInt((int) e.crc()).putInt((int) e.compressedSize()).putInt((int) e.size())
                    .putShort((short) name.length).putShort((short) e.centralExtra().length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) lho).put(name).put(e.centralExtra());
        }
        int cdEnd = b.position();
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(cdEnd - cdStart).putInt(cdStart).putShort((short) 0);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** A well-formed zip of empty members with these names, in this order, written by java.util.zip. */
    public static byte[] javaZip(Iterable<String> names) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            for (String name : names) {
                out.putNextEntry(new java.util.zip.ZipEntry(name));
                out.closeEntry();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A ZIP64 extended-information extra field with the given 8-byte values. */
    public static byte[] zip64Extra(long... values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 1).putShort((short) (8 * values.length));
        for (long v : values) b.putLong(v);
        return b.array();
    }

    /** A PyTorch-style archive {@code archive/data.pkl, archive/data/0, archive/version} around {@code dataPkl}. */
    public static byte[] torchZip(byte[] dataPkl, byte[] storage0) {
        return zip(List.of(ZipEntry.stored("archive/data.pkl", dataPkl),
                ZipEntry.stored("archive/data/0", storage0),
                ZipEntry.stored("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII))));
    }

    /** Where the records of an existing zip are, for patching. */
    public record ZipRecords(int eocd, int zip64Eocd, int zip64Locator, List<Integer> central, List<Integer> local) {
        public static ZipRecords of(byte[] zip) {
            ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
            int eocd = -1;
            for (int i = zip.length - 22; i >= 0; i--) {
                if (b.getInt(i) == 0x06054b50) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) throw new IllegalArgumentException("no end of central directory");
            int locator = eocd >= 20 && b.getInt(eocd - 20) == 0x07064b50 ? eocd - 20 : -1;
            int z64 = locator >= 0 ? (int) b.getLong(locator + 8) : -1;
            long cdOffset = z64 >= 0 ? b.getLong(z64 + 48) : Integer.toUnsignedLong(b.getInt(eocd + 16));
            int count = z64 >= 0 ? (int) b.getLong(z64 + 32) : Short.toUnsignedInt(b.getShort(eocd + 10));
            List<Integer> central = new ArrayList<>();
            List<Integer> local = new ArrayList<>();
            int p = (int) cdOffset;
            for (int i = 0; i < count; i++) {
                central.add(p);
                int n = Short.toUnsignedInt(b.getShort(p + 28));
                int m = Short.toUnsignedInt(b.getShort(p + 30));
                int k = Short.toUnsignedInt(b.getShort(p + 32));
                long lho = Integer.toUnsignedLong(b.getInt(p + 42));
                if (lho == 0xFFFFFFFFL) lho = zip64Value(b, p + 46 + n, m, b.getInt(p + 24) == -1, b.getInt(p + 20) == -1);
                local.add((int) lho);
                p += 46 + n + m + k;
            }
            return new ZipRecords(eocd, z64, locator, central, local);
        }

        private static long zip64Value(ByteBuffer b, int extra, int length, boolean hasSize, boolean hasCsize) {
            for (int q = extra; q < extra + length; ) {
                int id = Short.toUnsignedInt(b.getShort(q));
                int len = Short.toUnsignedInt(b.getShort(q + 2));
                if (id == 1) return b.getLong(q + 4 + (hasSize ? 8 : 0) + (hasCsize ? 8 : 0));
                q += 4 + len;
            }
            throw new IllegalArgumentException("no zip64 local header offset");
        }
    }

    public static void putLE(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) b[at + i] = (byte) (v >>> (8 * i));
    }
}
