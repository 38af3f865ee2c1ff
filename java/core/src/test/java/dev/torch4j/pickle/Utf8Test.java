package dev.torch4j.pickle;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Pickle's UTF-8: the JDK's decoder on valid text, plus Python's surrogatepass for encoded lone surrogates. */
class Utf8Test {
    @Test void validTextDecodesAsTheJdkDecodesIt() {
        Random r = new Random(28);
        int[] ranges = {0x7f, 0x7ff, 0xd7ff, 0x10ffff};
        for (int t = 0; t < 2000; t++) {
            StringBuilder sb = new StringBuilder();
            int asciiPrefix = r.nextInt(40);
            for (int i = 0; i < asciiPrefix; i++) sb.append((char) (0x20 + r.nextInt(0x5f)));
            int rest = r.nextInt(30);
            for (int i = 0; i < rest; i++) {
                int cp = 1 + r.nextInt(ranges[r.nextInt(ranges.length)]);
                if (cp >= 0xd800 && cp <= 0xdfff) cp = 'x';
                sb.appendCodePoint(cp);
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            assertEquals(new String(b, StandardCharsets.UTF_8), Utf8.decodeOrNull(b), sb.toString());
            assertEquals(sb.toString(), new String(Utf8.encode(sb.toString()), StandardCharsets.UTF_8));
        }
    }

    @Test void encodedLoneSurrogatesPassAsPythonsSurrogatepass() {
        // '\ud800x'.encode('utf-8', 'surrogatepass') == b'\xed\xa0\x80x'
        byte[] b = {(byte) 0xed, (byte) 0xa0, (byte) 0x80, 'x'};
        assertEquals("\ud800x", Utf8.decodeOrNull(b));
        assertEquals("ab\udfff", Utf8.decodeOrNull(new byte[] {'a', 'b', (byte) 0xed, (byte) 0xbf, (byte) 0xbf}));
    }

    @Test void invalidSequencesAreRefusedWithTheirIndex() {
        assertNull(Utf8.decodeOrNull(new byte[] {'a', (byte) 0xc0, (byte) 0x80})); // overlong
        assertNull(Utf8.decodeOrNull(new byte[] {'a', 'b', (byte) 0xe2, (byte) 0x82})); // truncated
        assertNull(Utf8.decodeOrNull(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80})); // past U+10FFFF
        assertNull(Utf8.decodeOrNull(new byte[] {(byte) 0xc3, 'a'})); // bad continuation
        String[] reason = new String[1];
        try {
            Utf8.decode(new byte[] {'a', 'b', 'c', (byte) 0xff}, (kind, why) -> {
                reason[0] = why;
                return new IllegalStateException(why);
            });
        } catch (IllegalStateException expected) {
            // the reason is what matters
        }
        assertEquals("invalid UTF-8 byte 0xff at string index 3", reason[0]);
    }
}
