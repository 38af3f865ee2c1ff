package dev.torch4j.numpy;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/**
 * Whole-file compression as {@code joblib.dump(..., compress=...)} writes it, recognised by the magic
 * bytes joblib itself checks: zlib ({@code 78}), gzip ({@code 1f 8b}), and the pre-0.10 {@code ZF}
 * format (the text {@code ZF}, the uncompressed length in hex padded to 19 characters, zlib data).
 * Those three decompress with the JDK. bz2, xz, lzma and lz4 have no JDK decoder: they are
 * recognised and refused with a message saying how to convert the file.
 */
public final class JoblibCompression {
    /** Length of joblib's ZF header after "ZF": {@code len(hex(2**64))}. */
    private static final int ZFILE_LENGTH_FIELD = 19;

    private JoblibCompression() {}

    /** The compression a file starting with {@code head} uses, or null when none of joblib's. */
    public static String detect(byte[] head) {
        if (head.length >= 4 && head[0] == 'Z' && head[1] == 'F' && head[2] == '0' && head[3] == 'x') return "zfile";
        if (head.length >= 3 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8) return "gzip";
        if (head.length >= 2 && head[0] == 0x78 && (((head[0] & 0xff) << 8) | (head[1] & 0xff)) % 31 == 0) return "zlib";
        if (head.length >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' && head[3] <= '9') return "bz2";
        if (head.length >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X'
                && head[4] == 'Z' && head[5] == 0) return "xz";
        if (head.length >= 3 && head[0] == 0x5d && head[1] == 0 && head[2] == 0) return "lzma";
        if (head.length >= 4 && head[0] == 0x04 && head[1] == 0x22 && head[2] == 0x4d && head[3] == 0x18) return "lz4";
        return null;
    }

    /** True for the compressions {@link #decompress} can undo. */
    public static boolean readable(String method) {
        return method.equals("zlib") || method.equals("gzip") || method.equals("zfile");
    }

    /** The decompressed bytes, at most {@code limit} of them. */
    public static byte[] decompress(String file, ByteRegion bytes, String method, long limit) throws TorchFileException {
        return switch (method) {
            case "zlib" -> inflate(file, bytes, 0, limit, -1);
            case "gzip" -> gunzip(file, bytes, limit);
            case "zfile" -> readZFile(file, bytes, limit);
            default -> throw new TorchFileException(ErrorKind.UNSUPPORTED, file, null, 0, "joblib file compressed with " + method
                    + ", which torch4j cannot decompress (the JDK decodes only zlib and gzip); decompress it first ("
                    + hint(method) + ") or re-save it with joblib.dump(..., compress=('zlib', 3))");
        };
    }

    private static String hint(String method) {
        return switch (method) {
            case "bz2" -> "bunzip2 -k FILE";
            case "xz" -> "xz -dk FILE";
            case "lzma" -> "xz --format=lzma -dk FILE";
            default -> "lz4 -d FILE";
        };
    }

    /** joblib's ZF format: "ZF", the length in hex padded to 19 characters, maybe a space, zlib data. */
    public static byte[] readZFile(String file, ByteRegion bytes, long limit) throws TorchFileException {
        int header = 2 + ZFILE_LENGTH_FIELD;
        if (bytes.size() < header || bytes.get(0) != 'Z' || bytes.get(1) != 'F') {
            throw new TorchFileException(file, null, 0, "not a joblib ZF file (no 'ZF' header)");
        }
        byte[] field = new byte[ZFILE_LENGTH_FIELD];
        bytes.copyTo(2, field, 0, field.length);
        String text = new String(field, StandardCharsets.ISO_8859_1).trim();
        long length;
        try {
            if (!text.startsWith("0x")) throw new NumberFormatException();
            length = Long.parseLong(text.substring(2), 16);
        } catch (NumberFormatException e) {
            throw new TorchFileException(file, null, 2, "joblib ZF length '" + text + "' is not a hex number");
        }
        if (length > limit) {
            throw new TorchFileException(ErrorKind.LIMIT, file, null, 2, "joblib ZF file declares " + length + " bytes, more than the limit " + limit);
        }
        // Python 2 joblib <= 0.8.4 wrote one more (space) character; zlib data never starts with a space.
        int start = bytes.get(header) == ' ' ? header + 1 : header;
        byte[] out = inflate(file, bytes, start, limit, length);
        if (out.length != length) {
            throw new TorchFileException(file, null, start, "joblib ZF data inflates to " + out.length + " bytes, header says " + length);
        }
        return out;
    }

    private static byte[] inflate(String file, ByteRegion bytes, long start, long limit, long expected) throws TorchFileException {
        Inflater inf = new Inflater();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(expected > 0 ? (int) Math.min(expected, 1 << 26) : 8192);
            byte[] buf = new byte[1 << 16];
            long pos = start;
            byte[] in = new byte[1 << 16];
            while (!inf.finished()) {
                if (inf.needsInput()) {
                    if (pos >= bytes.size()) throw new TorchFileException(ErrorKind.TRUNCATED, file, null, pos, "compressed data ends early (truncated?)");
                    int n = (int) Math.min(in.length, bytes.size() - pos);
                    bytes.copyTo(pos, in, 0, n);
                    inf.setInput(in, 0, n);
                    pos += n;
                }
                int n = inf.inflate(buf);
                if (n == 0 && inf.needsDictionary()) throw new TorchFileException(file, null, start, "zlib data needs a preset dictionary");
                out.write(buf, 0, n);
                if (out.size() > limit) {
                    throw new TorchFileException(ErrorKind.LIMIT, file, null, start, "decompresses to more than " + limit + " bytes (limit)");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new TorchFileException(file, null, start, "corrupt zlib data: " + e.getMessage());
        } finally {
            inf.end();
        }
    }

    private static byte[] gunzip(String file, ByteRegion bytes, long limit) throws TorchFileException {
        try (InputStream in = new GZIPInputStream(new RegionStream(bytes), 1 << 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                if (out.size() > limit) throw new TorchFileException(ErrorKind.LIMIT, file, null, 0, "decompresses to more than " + limit + " bytes (limit)");
            }
            return out.toByteArray();
        } catch (TorchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TorchFileException(file, null, -1, "corrupt gzip data: " + e.getMessage());
        }
    }

    /** An InputStream over a region, for GZIPInputStream. */
    private static final class RegionStream extends InputStream {
        private final ByteRegion r;
        private long pos;

        RegionStream(ByteRegion r) { this.r = r; }

        @Override public int read() {
            return pos < r.size() ? r.get(pos++) & 0xff : -1;
        }

        @Override public int read(byte[] b, int off, int len) {
            if (pos >= r.size()) return -1;
            int n = (int) Math.min(len, r.size() - pos);
            r.copyTo(pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
