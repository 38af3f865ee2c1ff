package dev.torch4j.writer;

import java.io.ByteArrayOutputStream;

/** UTF-8 with Python's "surrogatepass": unpaired surrogates are kept (as 3-byte sequences), not replaced by '?'. */
final class Utf8 {
    private Utf8() {}

    static byte[] surrogatePass(String s) {
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
