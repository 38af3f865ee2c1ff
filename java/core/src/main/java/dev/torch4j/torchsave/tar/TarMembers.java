package dev.torch4j.torchsave.tar;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The regular-file members of a tar archive, as zero-copy regions (v7, ustar and PAX headers); the scanner reads them too. */
public final class TarMembers {
    private static final int BLOCK = 512;

    private TarMembers() {}

    /**
     * The members, and where the walk stopped: {@code end} is the offset of the end-of-archive
     * zero block ({@code complete}) or of the first byte too few for another header (the file was
     * cut: {@code complete} false).
     */
    public record Members(Map<String, ByteRegion> files, long end, boolean complete) {}

    public static Members read(String file, ByteRegion tar) throws TorchFileException {
        Map<String, ByteRegion> out = new LinkedHashMap<>();
        long pos = 0;
        String paxName = null;
        boolean complete = false;
        while (pos <= tar.size() - BLOCK) {
            byte[] header = new byte[BLOCK];
            tar.copyTo(pos, header, 0, BLOCK);
            if (isZero(header)) {
                complete = true;
                break;
            }
            String name = text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) name = prefix + "/" + name;
            long size = octal(file, header, 124, 12, pos);
            char type = (char) header[156];
            long data = pos + BLOCK;
            if (size < 0 || size > tar.size() - data) {
                throw new TorchFileException(ErrorKind.TRUNCATED, file, name, pos, "tar member of " + size + " bytes runs past the end of the file");
            }
            if (type == 'x') {
                paxName = paxPath(tar.subRegion(data, size));
            } else if (type == '0' || type == '\0') {
                out.put(paxName != null ? paxName : name, tar.subRegion(data, size));
                paxName = null;
            } else {
                paxName = null;
            }
            pos = data + (size + BLOCK - 1) / BLOCK * BLOCK;
        }
        return new Members(out, Math.min(pos, tar.size()), complete);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }

    private static String text(byte[] h, int from, int length) {
        int end = from;
        while (end < from + length && h[end] != 0) end++;
        return new String(h, from, end - from, StandardCharsets.UTF_8);
    }

    private static long octal(String file, byte[] h, int from, int length, long pos) throws TorchFileException {
        long v = 0;
        boolean any = false;
        for (int i = from; i < from + length; i++) {
            int c = h[i] & 0xff;
            if (c == 0 || c == ' ') {
                if (any) break;
                continue;
            }
            if (c < '0' || c > '7' || v > (Long.MAX_VALUE >> 3)) {
                throw new TorchFileException(file, null, pos + 124, "corrupt tar header size field");
            }
            v = v * 8 + (c - '0');
            any = true;
        }
        return v;
    }

    /** The {@code path} record of a PAX extended header, or null. */
    private static String paxPath(ByteRegion pax) {
        if (pax.size() > 1 << 20) return null;
        byte[] b = new byte[(int) pax.size()];
        pax.copyTo(0, b, 0, b.length);
        for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.startsWith("path=", sp + 1)) return line.substring(sp + 6);
        }
        return null;
    }
}
