package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.ByteSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The bytes every {@link ContainerFormat} recognises a file by, read once: up to the first
 * {@link #HEAD_BYTES} bytes, the size and the last byte (a pickle ends with STOP, {@code '.'}),
 * with the file's name for messages.
 */
public final class HeadTail {
    /** How many leading bytes recognition looks at (the tar magic sits at 257). */
    public static final int HEAD_BYTES = 512;

    private final String file;
    private final byte[] head;
    private final long size;
    private final int lastByte;

    /**
     * @param head     the first bytes of the file (up to {@link #HEAD_BYTES})
     * @param lastByte the file's last byte, or -1 for an empty file
     */
    public HeadTail(String file, byte[] head, long size, int lastByte) {
        this.file = file;
        this.head = head;
        this.size = size;
        this.lastByte = lastByte;
    }

    /** The ends of a region (a mapped file, a paged remote source, a nested payload). */
    public static HeadTail of(String file, ByteRegion bytes) {
        long size = bytes.size();
        byte[] head = new byte[(int) Math.min(size, HEAD_BYTES)];
        bytes.copyTo(0, head, 0, head.length);
        return new HeadTail(file, head, size, size == 0 ? -1 : bytes.get(size - 1) & 0xff);
    }

    /** The ends of bytes in memory. */
    public static HeadTail of(String file, byte[] bytes) {
        return new HeadTail(file, Arrays.copyOf(bytes, Math.min(bytes.length, HEAD_BYTES)), bytes.length,
                bytes.length == 0 ? -1 : bytes[bytes.length - 1] & 0xff);
    }

    /** The ends of a source, read with two small reads (the source is not closed). */
    public static HeadTail read(String file, ByteSource source) throws IOException {
        long size = source.size();
        byte[] head = new byte[(int) Math.min(size, HEAD_BYTES)];
        source.readFully(0, head, 0, head.length);
        byte[] last = new byte[1];
        if (size > 0) source.readFully(size - 1, last, 0, 1);
        return new HeadTail(file, head, size, size == 0 ? -1 : last[0] & 0xff);
    }

    /** The file's name, for messages. */
    public String file() { return file; }

    public long size() { return size; }

    /** The last byte of the file, or -1 when it is empty. */
    public int lastByte() { return lastByte; }

    /** How many leading bytes are held: {@link #HEAD_BYTES}, or the whole file when it is shorter. */
    public int length() { return head.length; }

    /** The leading bytes (the held array itself: recognisers read it, never write it). */
    byte[] head() { return head; }

    /** Byte {@code i} of the file, unsigned; -1 beyond the held head. */
    public int at(int i) {
        return i >= 0 && i < head.length ? head[i] & 0xff : -1;
    }

    /** Whether {@code prefix} stands at offset {@code at}. */
    public boolean has(int at, byte[] prefix) {
        if (at < 0 || head.length < at + prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if (head[at + i] != prefix[i]) return false;
        }
        return true;
    }

    /** Whether the ASCII text {@code prefix} stands at offset {@code at}. */
    public boolean has(int at, String prefix) {
        return has(at, prefix.getBytes(StandardCharsets.US_ASCII));
    }

    /** An error of the given kind about this file (outside any entry) at {@code offset}. */
    public TorchFileException error(ErrorKind kind, long offset, String message) {
        return new TorchFileException(kind, file, null, offset, message);
    }

    /** The first {@code n} bytes in hex and printable text, for messages about bytes not recognised. */
    public String describe(int n) {
        int count = Math.max(0, Math.min(n, head.length));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int c = head[i] & 0xff;
            text.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return "hex " + HexFormat.ofDelimiter(" ").formatHex(head, 0, count) + " (text \"" + text + "\")";
    }
}
