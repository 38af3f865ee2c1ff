package dev.torch4j.numpy;

import dev.torch4j.TorchFileException;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the Python dict literal of a {@code .npy} header: {@code {'descr': '<f4', 'fortran_order':
 * False, 'shape': (2, 3), }}. Only what numpy writes is accepted (strings without escapes, True/False,
 * tuples of non-negative integers), never evaluated; every key exactly once.
 */
final class HeaderParser {
    record Fields(String descr, boolean fortranOrder, long[] shape) {}

    /** More dimensions than any real array has (numpy's own limit is 64). */
    static final int MAX_DIMS = 64;

    private final String text;
    private final String file;
    private final long base;
    private int pos;

    HeaderParser(String text, String file, long base) {
        this.text = text;
        this.file = file;
        this.base = base;
    }

    Fields parse() throws TorchFileException {
        String descr = null;
        Boolean fortran = null;
        long[] shape = null;
        skipSpace();
        expect('{');
        skipSpace();
        while (peek() != '}') {
            int keyAt = pos;
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            switch (key) {
                case "descr" -> {
                    if (descr != null) throw error(keyAt, "key 'descr' appears twice");
                    if (peek() == '[') throw error(pos, "structured dtypes (a list descr) are not supported");
                    descr = string();
                }
                case "fortran_order" -> {
                    if (fortran != null) throw error(keyAt, "key 'fortran_order' appears twice");
                    fortran = bool();
                }
                case "shape" -> {
                    if (shape != null) throw error(keyAt, "key 'shape' appears twice");
                    shape = tuple();
                }
                default -> throw error(keyAt, "unexpected header key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',') {
                pos++;
                skipSpace();
            } else if (peek() != '}') {
                throw error(pos, "expected ',' or '}' in the header");
            }
        }
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\0') throw error(pos, "unexpected text after the header dict");
            pos++;
        }
        if (descr == null) throw error(0, "header lacks 'descr'");
        if (fortran == null) throw error(0, "header lacks 'fortran_order'");
        if (shape == null) throw error(0, "header lacks 'shape'");
        return new Fields(descr, fortran, shape);
    }

    private String string() throws TorchFileException {
        char q = peek();
        if (q != '\'' && q != '"') throw error(pos, "expected a quoted string");
        int start = ++pos;
        while (pos < text.length() && text.charAt(pos) != q) {
            if (text.charAt(pos) == '\\') throw error(pos, "escapes in header strings are not supported");
            pos++;
        }
        if (pos >= text.length()) throw error(start - 1, "unterminated string in the header");
        return text.substring(start, pos++);
    }

    private boolean bool() throws TorchFileException {
        if (text.startsWith("True", pos)) {
            pos += 4;
            return true;
        }
        if (text.startsWith("False", pos)) {
            pos += 5;
            return false;
        }
        throw error(pos, "expected True or False for 'fortran_order'");
    }

    private long[] tuple() throws TorchFileException {
        expect('(');
        List<Long> dims = new ArrayList<>();
        skipSpace();
        while (peek() != ')') {
            int start = pos;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) pos++;
            if (start == pos) throw error(pos, "expected a non-negative integer in 'shape'");
            long v;
            try {
                v = Long.parseLong(text.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error(start, "dimension " + text.substring(start, pos) + " is out of range");
            }
            if (pos < text.length() && text.charAt(pos) == 'L') pos++; // Python 2 longs
            dims.add(v);
            if (dims.size() > MAX_DIMS) throw error(start, "more than " + MAX_DIMS + " dimensions");
            skipSpace();
            if (peek() == ',') {
                pos++;
                skipSpace();
            } else if (peek() != ')') {
                throw error(pos, "expected ',' or ')' in 'shape'");
            }
        }
        pos++;
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) out[i] = dims.get(i);
        return out;
    }

    private void skipSpace() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\n' || text.charAt(pos) == '\t')) pos++;
    }

    private char peek() throws TorchFileException {
        if (pos >= text.length()) throw error(pos, "header ends early");
        return text.charAt(pos);
    }

    private void expect(char c) throws TorchFileException {
        if (peek() != c) throw error(pos, "expected '" + c + "' in the header, found '" + text.charAt(pos) + "'");
        pos++;
    }

    private TorchFileException error(int at, String message) {
        return new TorchFileException(file, null, base + at, message);
    }
}
