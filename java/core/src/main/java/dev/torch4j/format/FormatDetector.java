package dev.torch4j.format;

import dev.torch4j.TorchFileException;
import dev.torch4j.executorch.ExecuTorchFile;
import dev.torch4j.numpy.JoblibCompression;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Tells containers apart by their first bytes, never by file extension: PyTorch files are saved
 * under every extension ({@code .pth} TorchScript, {@code .pkl} zips, {@code .bin}, {@code .dat}).
 */
public final class FormatDetector {
    /** How many leading bytes {@link #detect} wants to see (the tar magic sits at 257). */
    public static final int HEAD_BYTES = 512;

    /** torch.save's legacy magic number 0x1950a86a20f9469cfc6c as a pickle LONG1 operand. */
    private static final byte[] LEGACY_MAGIC_LONG1 = {
            (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    /** The same magic number written by pickle protocols 0 and 1 (decimal text). */
    private static final String LEGACY_MAGIC_TEXT = "L119547037146038801333356L\n";

    /** Opcodes a protocol 0/1 pickle can start with (no PROTO opcode before protocol 2). */
    private static final String TEXT_PICKLE_STARTS = "(cdl}])NIFLSVGJKMTUXiqhgp\u0088\u0089";

    /** numpy's {@code .npy} magic: {@code \x93NUMPY}. */
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private FormatDetector() {}

    /**
     * @param head     the first bytes of the file (up to {@link #HEAD_BYTES})
     * @param size     the file size
     * @param lastByte the file's last byte, or -1 for an empty file
     */
    public static Container detect(String file, byte[] head, long size, int lastByte) throws TorchFileException {
        if (size < 4) {
            throw new TorchFileException(file, null, 0, "file too short to be a PyTorch file (" + size + " bytes): "
                    + describeBytes(head, (int) Math.min(size, head.length)));
        }
        if (startsWith(head, 0, new byte[] {'P', 'K', 3, 4})) return Container.ZIP;
        if (startsWith(head, 0, NPY_MAGIC)) return Container.NPY;
        if (startsWith(head, 0, new byte[] {'P', 'K', 5, 6})) {
            throw new TorchFileException(file, null, 0, "empty zip archive: no torch.save data.pkl inside");
        }
        if (head.length >= 8 && startsWith(head, 4, "PTMF".getBytes(StandardCharsets.US_ASCII))) {
            throw new TorchFileException(file, null, 4,
                    "flatbuffer mobile format is not supported (a .ptl saved with _use_flatbuffer=True); "
                            + "re-save it with torch.jit.save or _save_for_lite_interpreter without flatbuffer");
        }
        if (ExecuTorchFile.isProgram(head)) return Container.EXECUTORCH;
        if (ExecuTorchFile.isData(head)) return Container.FLAT_TENSOR;
        if (head.length >= 262 && startsWith(head, 257, "ustar".getBytes(StandardCharsets.US_ASCII))) {
            return Container.LEGACY_TAR;
        }
        int b0 = head[0] & 0xff;
        if (b0 == 0x80) {
            int protocol = head[1] & 0xff;
            if (protocol > 5) {
                throw new TorchFileException(file, null, 1, "unsupported pickle protocol " + protocol
                        + " (not a PyTorch file?): " + describeBytes(head, Math.min(head.length, 16)));
            }
            int payload = protocol >= 4 && (head[2] & 0xff) == 0x95 ? 11 : 2; // skip a FRAME opcode
            return startsWith(head, payload, LEGACY_MAGIC_LONG1) ? Container.LEGACY : Container.PICKLE;
        }
        if (startsWith(head, 0, LEGACY_MAGIC_TEXT.getBytes(StandardCharsets.US_ASCII))) return Container.LEGACY;
        // lzma starts with ']' (a text pickle's EMPTY_LIST) but a pickle never continues with 0x00.
        if ("lzma".equals(JoblibCompression.detect(head))) return Container.COMPRESSED;
        if (TEXT_PICKLE_STARTS.indexOf((char) b0) >= 0 && lastByte == '.') return Container.PICKLE;
        if (looksLikeSafetensors(head, size)) return Container.SAFETENSORS;
        if (JoblibCompression.detect(head) != null) return Container.COMPRESSED;
        throw new TorchFileException(file, null, 0, "not a PyTorch file (no zip, legacy torch.save, tar or pickle "
                + "signature); it starts with " + describeBytes(head, Math.min(head.length, 16)));
    }

    /** An 8-byte little-endian JSON header length followed by '{'. */
    private static boolean looksLikeSafetensors(byte[] head, long size) {
        if (head.length < 9 || head[8] != '{') return false;
        long n = 0;
        for (int i = 7; i >= 0; i--) n = (n << 8) | (head[i] & 0xff);
        return n > 0 && n <= size - 8;
    }

    static boolean startsWith(byte[] data, int at, byte[] prefix) {
        if (data.length < at + prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if (data[at + i] != prefix[i]) return false;
        }
        return true;
    }

    /** Hex and printable text, for messages about unrecognised bytes. */
    public static String describeBytes(byte[] data, int length) {
        int n = Math.max(0, Math.min(length, data.length));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = data[i] & 0xff;
            text.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return "hex " + HexFormat.ofDelimiter(" ").formatHex(data, 0, n) + " (text \"" + text + "\")";
    }
}
