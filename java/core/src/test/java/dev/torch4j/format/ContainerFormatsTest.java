package dev.torch4j.format;

import dev.torch4j.TorchFileException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signatures as PyTorch and pickle write them (byte values from torch.save and pickle.dumps output). */
class ContainerFormatsTest {
    private static String detect(byte[] head) throws TorchFileException {
        return detect(head, head.length, head[head.length - 1] & 0xff);
    }

    private static String detect(byte[] head, long size, int lastByte) throws TorchFileException {
        return ContainerFormats.detect(new HeadTail("f", head, size, lastByte)).name();
    }

    private static byte[] hex(String h) { return HexFormat.of().parseHex(h); }

    @Test void zip() throws Exception {
        assertEquals("zip", detect(hex("504b0304140008080000")));
    }

    @Test void legacyProtocol2AndFramedProtocol5AndText() throws Exception {
        assertEquals("legacy", detect(hex("80028a0a6cfc9c46f9206aa850192e")));
        assertEquals("legacy", detect(hex("8005950d000000000000008a0a6cfc9c46f9206aa850192e")));
        assertEquals("legacy", detect("L119547037146038801333356L\n.".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test void plainPickles() throws Exception {
        assertEquals("pickle", detect(hex("80027d71002e")));           // pickle.dumps({}, 2)
        assertEquals("pickle", detect("(dp0\n.".getBytes(StandardCharsets.US_ASCII))); // protocol 0
    }

    @Test void tarLayout() throws Exception {
        byte[] head = new byte[512];
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, head, 257, 5);
        head[0] = 's';
        assertEquals("legacy_tar", detect(head, 10240, 0));
    }

    @Test void flatbufferMobileIsRecognised() throws Exception {
        byte[] head = Arrays.copyOf(hex("1c000000" + HexFormat.of().formatHex("PTMF".getBytes(StandardCharsets.US_ASCII))), 32);
        assertEquals("flatbuffer_mobile", ContainerFormats.detect(new HeadTail("m.ptl", head, 4096, 0)).name());
    }

    @Test void garbageQuotesTheBytes() {
        TorchFileException tiny = assertThrows(TorchFileException.class, () -> detect(hex("010203")));
        assertTrue(tiny.getMessage().contains("01 02 03"), tiny.getMessage());
        TorchFileException text = assertThrows(TorchFileException.class,
                () -> detect("version https://git-lfs".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(text.getMessage().contains("\"version https://"), text.getMessage());
        assertEquals(0, text.offset());
    }

    /** A safetensors file whose header length starts with a compression's magic bytes is still safetensors. */
    @Test void safetensorsHeaderLengthsThatLookCompressed() throws Exception {
        for (int n : new int[] {376, 93}) { // 78 01 is a zlib header, 5d 00 00 an lzma one
            byte[] file = new byte[8 + n];
            file[0] = (byte) n;
            file[1] = (byte) (n >> 8);
            file[8] = '{';
            file[8 + n - 1] = '}';
            assertEquals("safetensors", detect(Arrays.copyOf(file, Math.min(file.length, HeadTail.HEAD_BYTES)), file.length, '}'), "header of " + n + " bytes");
        }
    }

    @Test void everyFormatHasItsOwnName() {
        assertEquals(ContainerFormats.ALL.size(),
                ContainerFormats.ALL.stream().map(ContainerFormat::name).distinct().count());
    }
}
