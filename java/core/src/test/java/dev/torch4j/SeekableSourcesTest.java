package dev.torch4j;

import dev.torch4j.io.ByteSource;
import dev.torch4j.testing.Fixtures;
import dev.torch4j.io.PagedRegion;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Files read through a channel, a byte array or a stream read as PyTorch read them (the same
 * expectations as the mapped path, {@code expected.json}), and a channel is read sparingly: a zip
 * checkpoint opens on its directory and pickle alone, its tensor bytes come later in large ranges.
 */
class SeekableSourcesTest {
    static Stream<Fixtures.Expected> safeFixtures() {
        return Fixtures.expected().stream().filter(e -> !e.unsafe());
    }

    @ParameterizedTest(name = "{0}") @MethodSource("safeFixtures")
    void channelReadsLikePytorch(Fixtures.Expected expected) throws Exception {
        CountingChannel ch = new CountingChannel(Files.newByteChannel(expected.path()));
        try (Checkpoint cp = Torch.open(ch, expected.file())) {
            assertEquals(expected.format(), cp.format().id(), "format");
            FixturesTest.assertTensorsMatch(expected, cp.tensors());
        }
        assertFalse(ch.isOpen(), "closing the checkpoint closes the channel");
    }

    @ParameterizedTest(name = "{0}") @MethodSource("safeFixtures")
    void bytesAndStreamsReadLikePytorch(Fixtures.Expected expected) throws Exception {
        byte[] bytes = Files.readAllBytes(expected.path());
        try (Checkpoint cp = Torch.open(bytes)) {
            FixturesTest.assertTensorsMatch(expected, cp.tensors());
        }
        try (Checkpoint cp = Torch.open(new ByteArrayInputStream(bytes), expected.file())) {
            FixturesTest.assertTensorsMatch(expected, cp.tensors());
        }
    }

    /** 8 Mi float32 (32 MiB) in one tensor plus a small one: the directory and pickle are a few KB. */
    @Test void zipOpensOnItsDirectoryAndPickleAndReadsTensorsInLargeRanges(@TempDir Path dir) throws Exception {
        int n = 8 << 20;
        float[] big = new float[n];
        for (int i = 0; i < n; i++) big[i] = i * 0.5f - 7;
        Path file = dir.resolve("big.pt");
        Torch.save(Map.of("big", Tensors.of(big, 1024, n / 1024), "small", Tensors.of(new float[]{1, 2, 3}, 3)), file);
        long fileSize = Files.size(file);

        CountingChannel ch = new CountingChannel(Files.newByteChannel(file));
        PagedRegion region = new PagedRegion(ByteSource.of(ch));
        try (Checkpoint cp = Torch.open(new RegionSource(region), "big.pt", LoadOptions.DEFAULT)) {
            Tensor t = cp.tensors().get("big");
            assertArrayEquals(new long[]{1024, n / 1024}, t.shape());
            long afterOpen = ch.bytesRead.get();
            assertTrue(afterOpen <= 4 * PagedRegion.DEFAULT_BLOCK_SIZE,
                    "opening read " + afterOpen + " bytes of a " + fileSize + "-byte file");

            assertEquals(sha256LittleEndian(big), t.sha256(), "tensor bytes read through the channel");
            long data = ch.bytesRead.get() - afterOpen;
            assertTrue(data >= 4L * n && data <= 4L * n + 2 * PagedRegion.DEFAULT_BLOCK_SIZE,
                    "reading a " + 4L * n + "-byte tensor fetched " + data + " bytes");
            // 1 MiB ranges (the element streamer's chunk), not one read per block
            assertTrue(ch.reads.get() < 64, ch.reads.get() + " reads");
            assertEquals(ch.bytesRead.get(), region.bytesFetched());
        }
    }

    @Test void streamLongerThanTheLimitIsRefused() {
        IOException e = assertThrows(IOException.class,
                () -> ByteSource.buffered(new ByteArrayInputStream(new byte[1000]), "upload.pt", 999));
        assertTrue(e.getMessage().contains("upload.pt") && e.getMessage().contains("999"), e.getMessage());
    }

    @Test void truncatedChannelNamesTheFile(@TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.file("zip/mlp_state_dict.pt"));
        Path cut = dir.resolve("cut.pt");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        TorchFileException e = assertThrows(TorchFileException.class,
                () -> Torch.open(Files.newByteChannel(cut), "store/cut.pt").close());
        assertTrue(e.getMessage().contains("store/cut.pt"), e.getMessage());
    }

    private static String sha256LittleEndian(float[] values) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }

    /** Hands an already built region to the reader, so the test can read its counters. */
    private record RegionSource(PagedRegion region) implements ByteSource {
        @Override public long size() { return region.size(); }
        @Override public void readFully(long position, byte[] dst, int offset, int length) {
            region.copyTo(position, dst, offset, length);
        }
        @Override public PagedRegion toRegion() { return region; }
        @Override public void close() throws IOException { region.close(); }
    }

    /** Counts the bytes and reads that reach the underlying channel. */
    static final class CountingChannel implements SeekableByteChannel {
        final SeekableByteChannel in;
        final AtomicLong bytesRead = new AtomicLong();
        final AtomicLong reads = new AtomicLong();

        CountingChannel(SeekableByteChannel in) { this.in = in; }

        @Override public int read(ByteBuffer dst) throws IOException {
            int n = in.read(dst);
            if (n > 0) bytesRead.addAndGet(n);
            reads.incrementAndGet();
            return n;
        }
        @Override public int write(ByteBuffer src) { throw new UnsupportedOperationException("read-only"); }
        @Override public long position() throws IOException { return in.position(); }
        @Override public SeekableByteChannel position(long p) throws IOException { in.position(p); return this; }
        @Override public long size() throws IOException { return in.size(); }
        @Override public SeekableByteChannel truncate(long size) { throw new UnsupportedOperationException("read-only"); }
        @Override public boolean isOpen() { return in.isOpen(); }
        @Override public void close() throws IOException { in.close(); }
    }
}
