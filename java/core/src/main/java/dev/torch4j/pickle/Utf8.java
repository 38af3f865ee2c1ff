package dev.torch4j.pickle;

import dev.torch4j.ErrorKind;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 as pickle does it: strict, except that encoded lone surrogates pass through
 * (Python pickles str with the {@code surrogatepass} error handler).
 */
final class Utf8 {
    private Utf8() {}

    /** The text, or the failure {@code refusal} makes ({@link dev.torch4j.ErrorKind#CORRUPT}) for invalid UTF-8. */
    static <E extends Exception> String decode(byte[] b, Refusal<E> refusal) throws E {
        // ASCII (nearly every name and most source text) is latin-1 text as it is: one copy. The rest
        // is decoded into a char array, which costs far less per char than a StringBuilder in a
        // short, C1-compiled run; each UTF-8 sequence yields at most as many chars as it has bytes.
        int i = 0;
        while (i < b.length && b[i] >= 0) i++;
        if (i == b.length) return new String(b, StandardCharsets.ISO_8859_1);
        char[] chars = new char[b.length];
        for (int k = 0; k < i; k++) chars[k] = (char) b[k];
        int len = i;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                chars[len++] = (char) c;
                i++;
                continue;
            }
            int n;
            int cp;
            int min;
            if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; min = 0x80; }
            else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; min = 0x800; }
            else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; min = 0x10000; }
            else throw refusal.refuse(ErrorKind.CORRUPT, "invalid UTF-8 byte 0x" + Integer.toHexString(c) + " at string index " + i);
            if (i + n >= b.length) {
                throw refusal.refuse(ErrorKind.CORRUPT, "truncated UTF-8 sequence at string index " + i);
            }
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) throw refusal.refuse(ErrorKind.CORRUPT, "invalid UTF-8 continuation at string index " + (i + k));
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff) throw refusal.refuse(ErrorKind.CORRUPT, "invalid UTF-8 sequence at string index " + i);
            if (cp >= 0x10000) {
                chars[len++] = Character.highSurrogate(cp);
                chars[len++] = Character.lowSurrogate(cp);
            } else {
                chars[len++] = (char) cp; // lone surrogates pass, as with surrogatepass
            }
            i += n + 1;
        }
        return new String(chars, 0, len);
    }

    /** The text, or null when the bytes are not valid UTF-8. */
    static String decodeOrNull(byte[] b) {
        try {
            return decode(b, (kind, reason) -> Invalid.INSTANCE);
        } catch (Invalid e) {
            return null;
        }
    }

    /** Only {@link #decodeOrNull} throws and catches it: no message, no stack trace. */
    private static final class Invalid extends Exception {
        @java.io.Serial private static final long serialVersionUID = 1L;
        static final Invalid INSTANCE = new Invalid();
        private Invalid() { super(null, null, false, false); }
    }

    /** Encodes like Python's {@code str.encode("utf-8", "surrogatepass")}: unpaired surrogates are kept as 3-byte sequences. */
    static byte[] encode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xc0 | cp >> 6);
                out.write(0x80 | cp & 0x3f);
            } else if (cp < 0x10000) {
                out.write(0xe0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3f);
                out.write(0x80 | cp & 0x3f);
            } else {
                out.write(0xf0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3f);
                out.write(0x80 | cp >> 6 & 0x3f);
                out.write(0x80 | cp & 0x3f);
            }
        }
        return out.toByteArray();
    }
}
