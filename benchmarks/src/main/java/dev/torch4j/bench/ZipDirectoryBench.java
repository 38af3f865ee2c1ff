package dev.torch4j.bench;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Diagnostic for the open+index cost of zip checkpoints: reading the central directory the way
 * {@code dev.torch4j.format.ZipArchive} does today (commons-compress {@code ZipFile}, which also
 * seeks to every local header and parses extra fields and timestamps), the same with
 * {@code setIgnoreLocalFileHeader(true)}, and a direct scan of the central directory in the mapped
 * file (what a fix would do: names, methods, sizes, local-header offsets; data offsets from the
 * mapped local header on first access).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class ZipDirectoryBench {
    @Param({"many", "large"})
    public String workload;
    private Path file;

    @Setup(Level.Trial)
    public void setup() {
        file = Workloads.file(workload);
    }

    @Benchmark
    public void commonsCompress(Blackhole bh) throws IOException {
        read(bh, false);
    }

    @Benchmark
    public void commonsCompressNoLocalHeaders(Blackhole bh) throws IOException {
        read(bh, true);
    }

    private void read(Blackhole bh, boolean ignoreLocal) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file);
             ZipFile zip = ZipFile.builder().setSeekableByteChannel(ch).setIgnoreLocalFileHeader(ignoreLocal).get()) {
            for (Enumeration<ZipArchiveEntry> e = zip.getEntriesInPhysicalOrder(); e.hasMoreElements(); ) {
                ZipArchiveEntry z = e.nextElement();
                bh.consume(z.getName());
                bh.consume(z.getLocalHeaderOffset());
            }
        }
    }

    @Benchmark
    public Map<String, long[]> mappedScan() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int tail = (int) Math.min(size, 22 + 0xFFFF + 20);
            MappedByteBuffer end = ch.map(FileChannel.MapMode.READ_ONLY, size - tail, tail);
            end.order(ByteOrder.LITTLE_ENDIAN);
            int eocd = tail - 22;
            while (eocd >= 0 && end.getInt(eocd) != 0x06054b50) eocd--;
            if (eocd < 0) throw new IOException("no end of central directory");
            long count = end.getShort(eocd + 10) & 0xffff;
            long cdSize = end.getInt(eocd + 12) & 0xffffffffL;
            long cdOffset = end.getInt(eocd + 16) & 0xffffffffL;
            if (cdOffset == 0xffffffffL || count == 0xffff) { // ZIP64: locator just before the EOCD
                long z64 = end.getLong(eocd - 20 + 8);
                ByteBuffer rec = ch.map(FileChannel.MapMode.READ_ONLY, z64, 56).order(ByteOrder.LITTLE_ENDIAN);
                count = rec.getLong(32);
                cdSize = rec.getLong(40);
                cdOffset = rec.getLong(48);
            }
            ByteBuffer cd = ch.map(FileChannel.MapMode.READ_ONLY, cdOffset, cdSize).order(ByteOrder.LITTLE_ENDIAN);
            Map<String, long[]> entries = new HashMap<>((int) (count * 4 / 3) + 1);
            byte[] name = new byte[0xFFFF];
            int p = 0;
            for (long i = 0; i < count; i++) {
                if (cd.getInt(p) != 0x02014b50) throw new IOException("bad central directory entry at " + (cdOffset + p));
                int method = cd.getShort(p + 10) & 0xffff;
                long compressed = cd.getInt(p + 20) & 0xffffffffL;
                long uncompressed = cd.getInt(p + 24) & 0xffffffffL;
                int nameLength = cd.getShort(p + 28) & 0xffff;
                int extraLength = cd.getShort(p + 30) & 0xffff;
                int commentLength = cd.getShort(p + 32) & 0xffff;
                long localHeader = cd.getInt(p + 42) & 0xffffffffL;
                cd.get(p + 46, name, 0, nameLength);
                // ZIP64 extra field (id 1): the 64-bit values of the fields saturated above, in order.
                for (int x = p + 46 + nameLength, xEnd = x + extraLength; x + 4 <= xEnd; ) {
                    int id = cd.getShort(x) & 0xffff, len = cd.getShort(x + 2) & 0xffff;
                    if (id == 1) {
                        int v = x + 4;
                        if (uncompressed == 0xffffffffL) { uncompressed = cd.getLong(v); v += 8; }
                        if (compressed == 0xffffffffL) { compressed = cd.getLong(v); v += 8; }
                        if (localHeader == 0xffffffffL) localHeader = cd.getLong(v);
                    }
                    x += 4 + len;
                }
                entries.put(new String(name, 0, nameLength, StandardCharsets.UTF_8),
                        new long[] {method, compressed, uncompressed, localHeader});
                p += 46 + nameLength + extraLength + commentLength;
            }
            return entries;
        }
    }
}
