package dev.torch4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;

/**
 * A {@link SeekableByteChannel} as a source. A {@link FileChannel} reads at a position without
 * moving the shared one, so concurrent reads need no lock; any other channel is positioned and
 * read under the channel's lock.
 */
final class ChannelSource implements ByteSource {
    private final SeekableByteChannel channel;
    private final long size;

    ChannelSource(SeekableByteChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
        try {
            this.size = channel.size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override public long size() { return size; }

    @Override public void readFully(long position, byte[] dst, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dst.length);
        if (position < 0 || position > size - length) {
            throw new EOFException("range [" + position + ", +" + length + ") outside " + size + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(dst, offset, length);
        if (channel instanceof FileChannel fc) {
            long p = position;
            while (buf.hasRemaining()) {
                int n = fc.read(buf, p);
                if (n < 0) throw new EOFException("channel ended at byte " + p + " of " + size);
                p += n;
            }
            return;
        }
        synchronized (channel) {
            channel.position(position);
            while (buf.hasRemaining()) {
                if (channel.read(buf) < 0) throw new EOFException("channel ended at byte " + channel.position() + " of " + size);
            }
        }
    }

    @Override public void close() throws IOException { channel.close(); }
}
