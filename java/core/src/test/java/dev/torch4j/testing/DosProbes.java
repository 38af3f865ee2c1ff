package dev.torch4j.testing;

import dev.torch4j.testing.HostileBytes.Pickle;
import dev.torch4j.testing.HostileBytes.ZipEntry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The denial-of-service probes of issue 10: small files that once cost minutes or gigabytes. Two are
 * written by real PyTorch (fixtures/dos, see gen_dos_fixtures.py); the bigger three are built here.
 * Each probe is a legal file or one whose cost must be refused early; none may take more than a
 * few seconds or a bounded amount of memory to open, inspect or hash.
 */
public final class DosProbes {
    private DosProbes() {}

    /** A probe: its name and how to write it. */
    public enum Probe {
        /** 30 levels of lists holding the one below twice (torch.save of a shared tower): 2^30 paths. */
        SHARED_REFERENCES("shared_lists_30.pt"),
        /** torch.zeros(1).expand(2**40): 4 TiB of logical bytes over a 4-byte storage. */
        EXPANDED_VIEW("expand_2p40.pt"),
        /** A plain pickle {'big': n} where n is a 4 MiB LONG4 integer. */
        HUGE_INTEGER("long4_4mib.pkl"),
        /** A torch.save zip whose one float storage is 1 GiB of zeros deflated to about 1 MiB. */
        DEFLATE_BOMB("deflate_bomb_1gib.pt"),
        /** torch.storage._load_from_bytes called 200,000 times on one memoized payload. */
        NESTED_FAN_OUT("load_from_bytes_200k.pt");

        private final String fileName;

        Probe(String fileName) { this.fileName = fileName; }

        public String fileName() { return fileName; }

        /** Writes the probe into {@code dir}; returns its path. */
        public Path write(Path dir) throws IOException {
            Path file = dir.resolve(fileName);
            switch (this) {
                case SHARED_REFERENCES, EXPANDED_VIEW -> Files.copy(Fixtures.file("dos/" + fileName), file);
                case HUGE_INTEGER -> Files.write(file, hugeInteger(4 << 20));
                case DEFLATE_BOMB -> Files.write(file, deflateBomb(1L << 30));
                case NESTED_FAN_OUT -> Files.write(file, nestedFanOut(200_000));
            }
            return file;
        }
    }

    /** {@code {'big': n}} with n stored as LONG4 in {@code bytes} little-endian bytes (positive, all 0x55). */
    static byte[] hugeInteger(int bytes) {
        byte[] digits = new byte[bytes];
        Arrays.fill(digits, (byte) 0x55);
        Pickle p = new Pickle().proto(2).op('}').str("big").op(0x8b).le(bytes, 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 64);
        out.writeBytes(p.bytes());
        out.writeBytes(digits);
        out.writeBytes(new byte[] {'s', '.'});
        return out.toByteArray();
    }

    /** A float tensor over storage "0" of {@code storageBytes} zero bytes, stored DEFLATED in the archive. */
    static byte[] deflateBomb(long storageBytes) {
        long numel = storageBytes / 4;
        byte[] pkl = Pickle.floatTensor(numel, 0, new long[] {numel}, new long[] {1});
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        byte[] zeros = new byte[1 << 20];
        CRC32 crc = new CRC32();
        for (long done = 0; done < storageBytes; done += zeros.length) {
            int n = (int) Math.min(zeros.length, storageBytes - done);
            crc.update(zeros, 0, n);
            d.setInput(zeros, 0, n);
            while (!d.needsInput()) compressed.write(buf, 0, d.deflate(buf));
        }
        d.finish();
        while (!d.finished()) compressed.write(buf, 0, d.deflate(buf));
        d.end();
        byte[] bomb = compressed.toByteArray();
        ZipEntry storage = new ZipEntry("archive/data/0", 8, bomb, storageBytes, bomb.length, crc.getValue(),
                new byte[0], new byte[0], null);
        return HostileBytes.zip(List.of(ZipEntry.stored("archive/data.pkl", pkl), storage,
                ZipEntry.stored("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII))));
    }

    /** A list of {@code calls} results of {@code torch.storage._load_from_bytes} on one memoized payload. */
    static byte[] nestedFanOut(int calls) {
        byte[] storage = new byte[16];
        byte[] inner = HostileBytes.torchZip(Pickle.floatTensor(4, 0, new long[] {4}, new long[] {1}), storage);
        Pickle p = new Pickle().proto(3).global("torch.storage", "_load_from_bytes").op('q', 0).bytes(inner).op('q', 1);
        p.op('0', '0', ']', '(');
        p.repeat(calls, 'h', 0, 'h', 1, 0x85, 'R');
        return HostileBytes.torchZip(p.op('e').stop().bytes(), storage);
    }

    /** Writes every probe into the directory given as the only argument (for measuring by hand). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Probe probe : Probe.values()) System.out.println(probe.write(dir));
    }
}
