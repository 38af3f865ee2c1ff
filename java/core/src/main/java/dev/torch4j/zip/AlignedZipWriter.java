package dev.torch4j.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes an uncompressed zip the way PyTorch's {@code PyTorchStreamWriter} does: every entry
 * STORED, its data starting at a 64-byte aligned file offset (padding goes in an extra field
 * with id "FB" filled with 'Z'), ZIP64 records where sizes or offsets reach 4 GiB.
 * Entry data is streamed: the size is declared up front and the CRC-32, computed while the bytes
 * go out, is patched into the local header afterwards (positional write), so no data descriptor
 * is needed and nothing is buffered.
 */
public final class AlignedZipWriter {
    public static final int ALIGNMENT = 64;
    private static final long MAX_32 = 0xFFFFFFFFL;
    private static final int LOCAL_HEADER = 30, CENTRAL_HEADER = 46;
    private static final int DOS_DATE_1980_01_01 = (1 << 5) | 1;

    /** Writes exactly the declared number of bytes of one entry. */
    @FunctionalInterface
    public interface Body {
        void writeTo(Sink sink) throws IOException;
    }

    /** Where entry bytes go: counted, CRC'd, written to the file. */
    public final class Sink {
        private final CRC32 crc = new CRC32();
        private long written;

        /** Writes all remaining bytes of {@code buffer}. */
        public void write(ByteBuffer buffer) throws IOException {
            crc.update(buffer.duplicate());
            written += buffer.remaining();
            writeFully(buffer);
        }
    }

    private record CentralEntry(byte[] name, long crc, long size, long headerOffset) {}

    private final FileChannel channel;
    private final boolean forceZip64;
    private final List<CentralEntry> entries = new ArrayList<>();
    private long position;

    /** @param forceZip64 write ZIP64 records even for small files (tests exercise the 4 GiB path this way) */
    public AlignedZipWriter(FileChannel channel, boolean forceZip64) throws IOException {
        this.channel = channel;
        this.forceZip64 = forceZip64;
        this.position = channel.position();
    }

    public long position() { return position; }

    public void writeEntry(String name, byte[] data) throws IOException {
        writeEntryCrc(name, data);
    }

    /** Writes a small entry; returns its CRC-32. */
    public long writeEntryCrc(String name, byte[] data) throws IOException {
        return writeEntryCrc(name, data.length, sink -> sink.write(ByteBuffer.wrap(data)));
    }

    /** Streams an entry of exactly {@code size} bytes; returns its CRC-32. */
    public long writeEntryCrc(String name, long size, Body body) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 0xFFFF) throw new IOException("zip entry name too long: " + name);
        boolean zip64 = forceZip64 || size >= MAX_32;
        long headerOffset = position;
        int zip64Extra = zip64 ? 4 + 16 : 0;
        long unpadded = headerOffset + LOCAL_HEADER + nameBytes.length + zip64Extra + 4;
        int padding = (int) ((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT);
        int extraLength = zip64Extra + 4 + padding;

        ByteBuffer header = le(LOCAL_HEADER + nameBytes.length + extraLength);
        header.putInt(0x04034b50);
        header.putShort((short) (zip64 ? 45 : 20));
        header.putShort((short) flags(nameBytes, name));
        header.putShort((short) 0); // STORED
        header.putShort((short) 0); // time 00:00
        header.putShort((short) DOS_DATE_1980_01_01); // fixed date: identical input gives identical files
        header.putInt(0); // CRC-32, patched after the data
        header.putInt((int) (zip64 ? MAX_32 : size));
        header.putInt((int) (zip64 ? MAX_32 : size));
        header.putShort((short) nameBytes.length);
        header.putShort((short) extraLength);
        header.put(nameBytes);
        if (zip64) {
            header.putShort((short) 0x0001).putShort((short) 16).putLong(size).putLong(size);
        }
        header.put((byte) 'F').put((byte) 'B').putShort((short) padding);
        for (int i = 0; i < padding; i++) header.put((byte) 'Z');
        header.flip();
        writeFully(header);

        Sink sink = new Sink();
        body.writeTo(sink);
        if (sink.written != size) {
            throw new IOException("zip entry " + name + ": " + sink.written + " bytes written, " + size + " declared");
        }
        ByteBuffer crc = le(4).putInt((int) sink.crc.getValue()).flip();
        while (crc.hasRemaining()) channel.write(crc, headerOffset + 14 + crc.position());
        entries.add(new CentralEntry(nameBytes, sink.crc.getValue(), size, headerOffset));
        return sink.crc.getValue();
    }

    /** Writes the central directory and end records; the file is complete afterwards. */
    public void finish() throws IOException {
        long cdOffset = position;
        for (CentralEntry e : entries) writeCentral(e);
        long cdSize = position - cdOffset;
        boolean zip64End = forceZip64 || entries.size() >= 0xFFFF || cdSize >= MAX_32 || cdOffset >= MAX_32;
        if (zip64End) {
            long eocd64 = position;
            ByteBuffer b = le(56 + 20);
            b.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(entries.size()).putLong(entries.size()).putLong(cdSize).putLong(cdOffset);
            b.putInt(0x07064b50).putInt(0).putLong(eocd64).putInt(1);
            writeFully(b.flip());
        }
        ByteBuffer end = le(22);
        int count16 = zip64End ? 0xFFFF : entries.size();
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) count16).putShort((short) count16)
                .putInt((int) (zip64End ? MAX_32 : cdSize)).putInt((int) (zip64End ? MAX_32 : cdOffset))
                .putShort((short) 0);
        writeFully(end.flip());
    }

    private void writeCentral(CentralEntry e) throws IOException {
        boolean bigSize = forceZip64 || e.size >= MAX_32;
        boolean bigOffset = forceZip64 || e.headerOffset >= MAX_32;
        int zip64Length = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
        int extraLength = zip64Length == 0 ? 0 : 4 + zip64Length;
        ByteBuffer b = le(CENTRAL_HEADER + e.name.length + extraLength);
        short version = (short) (zip64Length > 0 ? 45 : 20);
        b.putInt(0x02014b50).putShort(version).putShort(version);
        b.putShort((short) flags(e.name, null)).putShort((short) 0).putShort((short) 0).putShort((short) DOS_DATE_1980_01_01);
        b.putInt((int) e.crc);
        b.putInt((int) (bigSize ? MAX_32 : e.size)).putInt((int) (bigSize ? MAX_32 : e.size));
        b.putShort((short) e.name.length).putShort((short) extraLength).putShort((short) 0);
        b.putShort((short) 0).putShort((short) 0).putInt(0);
        b.putInt((int) (bigOffset ? MAX_32 : e.headerOffset));
        b.put(e.name);
        if (zip64Length > 0) {
            b.putShort((short) 0x0001).putShort((short) zip64Length);
            if (bigSize) b.putLong(e.size).putLong(e.size);
            if (bigOffset) b.putLong(e.headerOffset);
        }
        writeFully(b.flip());
    }

    /** Bit 11 (names are UTF-8) only when the name is not plain ASCII, as zip tools expect. */
    private static int flags(byte[] nameBytes, String ignored) {
        for (byte b : nameBytes) if (b < 0) return 1 << 11;
        return 0;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) position += channel.write(buffer, position);
    }
}
