package dev.torch4j.pickle;

import dev.torch4j.ErrorKind;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/** Decoding the text arguments of protocol 0 opcodes exactly as Python reads them. */
final class TextArgs {
    private TextArgs() {}

    /** Python 3.11 refuses to convert longer decimal strings to int (sys.int_info.default_max_str_digits). */
    static final int MAX_DIGITS = 4300;

    /** INT's argument: {@code 01}/{@code 00} are the booleans protocol 0 writes, else a decimal integer. */
    static <E extends Exception> Object parseInt(String line, Refusal<E> refusal) throws E {
        if (line.equals("01")) return Boolean.TRUE;
        if (line.equals("00")) return Boolean.FALSE;
        return parseInteger(line, refusal);
    }

    /** LONG's argument: a decimal integer with Python 2's trailing {@code L}. */
    static <E extends Exception> Object parseLong(String line, Refusal<E> refusal) throws E {
        String s = line.strip();
        if (s.endsWith("L")) s = s.substring(0, s.length() - 1);
        return parseInteger(s, refusal);
    }

    static <E extends Exception> Object parseInteger(String text, Refusal<E> refusal) throws E {
        String s = text.strip().replace("_", "");
        if (s.length() > MAX_DIGITS + 1) throw refusal.refuse(ErrorKind.LIMIT, "integer literal longer than " + MAX_DIGITS + " digits");
        if (s.isEmpty() || !s.matches("[+-]?[0-9]+")) throw refusal.refuse(ErrorKind.CORRUPT, "invalid integer literal '" + clip(text) + "'");
        return Ints.narrow(new BigInteger(s));
    }

    /** FLOAT's argument: Python's float repr, including inf and nan. */
    static <E extends Exception> double parseFloat(String line, Refusal<E> refusal) throws E {
        String s = line.strip().toLowerCase(java.util.Locale.ROOT);
        String body = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        double sign = s.startsWith("-") ? -1 : 1;
        if (body.equals("inf") || body.equals("infinity")) return sign * Double.POSITIVE_INFINITY;
        if (body.equals("nan")) return Double.NaN;
        if (!body.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[+-]?[0-9]+)?")) {
            throw refusal.refuse(ErrorKind.CORRUPT, "invalid float literal '" + clip(line) + "'");
        }
        return Double.parseDouble(s);
    }

    /** STRING's argument: a quoted Python 2 string literal with backslash escapes, to bytes. */
    static <E extends Exception> byte[] parseQuotedString(byte[] line, Refusal<E> refusal) throws E {
        int n = line.length;
        if (n < 2 || line[0] != line[n - 1] || (line[0] != '\'' && line[0] != '"')) {
            throw refusal.refuse(ErrorKind.CORRUPT, "the STRING opcode argument must be quoted");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        int i = 1;
        int end = n - 1;
        while (i < end) {
            int c = line[i++] & 0xff;
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (i >= end) throw refusal.refuse(ErrorKind.CORRUPT, "trailing \\ in string");
            int e = line[i++] & 0xff;
            switch (e) {
                case '\n' -> { }
                case '\\' -> out.write('\\');
                case '\'' -> out.write('\'');
                case '"' -> out.write('"');
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(11);
                case 'x' -> {
                    if (i + 2 > end || hex(line[i]) < 0 || hex(line[i + 1]) < 0) {
                        throw refusal.refuse(ErrorKind.CORRUPT, "invalid \\x escape at position " + (i - 2));
                    }
                    out.write(hex(line[i]) * 16 + hex(line[i + 1]));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && i < end && line[i] >= '0' && line[i] <= '7'; k++) v = v * 8 + (line[i++] - '0');
                        out.write(v & 0xff);
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** UNICODE's argument: raw-unicode-escape (latin-1 bytes; only backslash-u and backslash-U are escapes). */
    static <E extends Exception> String rawUnicodeEscape(byte[] b, Refusal<E> refusal) throws E {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c != '\\') {
                sb.append((char) c);
                i++;
                continue;
            }
            // A run of backslashes: only an odd-length run followed by u/U starts an escape.
            int run = 0;
            while (i < b.length && b[i] == '\\') { run++; i++; }
            boolean escape = (run & 1) == 1 && i < b.length && (b[i] == 'u' || b[i] == 'U');
            sb.append("\\".repeat(escape ? run - 1 : run));
            if (!escape) continue;
            int digits = b[i] == 'u' ? 4 : 8;
            i++;
            if (i + digits > b.length) throw refusal.refuse(ErrorKind.CORRUPT, "truncated \\uXXXX escape");
            int cp = 0;
            for (int k = 0; k < digits; k++) {
                int h = hex(b[i + k]);
                if (h < 0) throw refusal.refuse(ErrorKind.CORRUPT, "invalid \\uXXXX escape");
                cp = cp * 16 + h;
                if (cp > 0x10ffff) throw refusal.refuse(ErrorKind.CORRUPT, "\\U escape out of range");
            }
            sb.appendCodePoint(cp);
            i += digits;
        }
        return sb.toString();
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
