package dev.torch4j.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Recursive descent over a String (RFC 8259), every limit checked before the value is built. */
final class JsonParser {
    private final String in;
    private final JsonLimits limits;
    private int pos;
    private int depth;

    JsonParser(String in, JsonLimits limits) {
        this.in = in;
        this.limits = limits;
    }

    Object parseDocument() throws JsonException {
        if (in.length() > limits.maxInputLength()) {
            throw new JsonException(limits.maxInputLength(), "document longer than " + limits.maxInputLength() + " characters");
        }
        skipWhitespace();
        Object value = parseValue();
        skipWhitespace();
        if (pos < in.length()) throw error("unexpected " + describe(pos) + " after the document");
        return value;
    }

    private Object parseValue() throws JsonException {
        if (pos >= in.length()) throw error("unexpected end of input, expected a value");
        char c = in.charAt(pos);
        return switch (c) {
            case '{' -> parseObject();
            case '[' -> parseArray();
            case '"' -> parseString();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield parseNumber();
                throw error("unexpected " + describe(pos) + ", expected a value");
            }
        };
    }

    private Map<String, Object> parseObject() throws JsonException {
        enter();
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a member name in double quotes, found " + describe(pos));
            int keyOffset = pos;
            String key = parseString();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (map.size() >= limits.maxContainerItems()) {
                throw new JsonException(keyOffset, "object has more than " + limits.maxContainerItems() + " members");
            }
            if (map.containsKey(key)) throw new JsonException(keyOffset, "duplicate member name \"" + key + "\"");
            map.put(key, parseValue());
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') break;
            if (c != ',') throw error(pos - 1, "expected ',' or '}' in object, found " + describe(pos - 1));
        }
        depth--;
        return map;
    }

    private List<Object> parseArray() throws JsonException {
        enter();
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipWhitespace();
            if (list.size() >= limits.maxContainerItems()) {
                throw error("array has more than " + limits.maxContainerItems() + " elements");
            }
            list.add(parseValue());
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') break;
            if (c != ',') throw error(pos - 1, "expected ',' or ']' in array, found " + describe(pos - 1));
        }
        depth--;
        return list;
    }

    private String parseString() throws JsonException {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = null; // only when there are escapes
        int runStart = pos;
        while (true) {
            if (pos >= in.length()) throw new JsonException(start, "unterminated string");
            char c = in.charAt(pos);
            if (c == '"') break;
            if (c < 0x20) throw error("control character " + describe(pos) + " in string (must be escaped)");
            if (c == '\\') {
                if (sb == null) sb = new StringBuilder();
                sb.append(in, runStart, pos);
                pos++;
                sb.append(escape());
                runStart = pos;
            } else {
                pos++;
            }
            if (pos - start > limits.maxStringLength() + 1) {
                throw new JsonException(start, "string longer than " + limits.maxStringLength() + " characters");
            }
        }
        String s = sb == null ? in.substring(runStart, pos) : sb.append(in, runStart, pos).toString();
        pos++; // closing quote
        return s;
    }

    private char escape() throws JsonException {
        if (pos >= in.length()) throw error("unterminated escape sequence");
        char e = in.charAt(pos++);
        switch (e) {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                if (pos + 4 > in.length()) throw error(pos - 2, "truncated \\u escape");
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(in.charAt(pos + i), 16);
                    if (d < 0) throw error(pos + i, "invalid hex digit " + describe(pos + i) + " in \\u escape");
                    v = v * 16 + d;
                }
                pos += 4;
                return (char) v; // surrogate halves combine as Java chars
            default:
                throw error(pos - 2, "invalid escape \\" + e);
        }
    }

    private Object parseNumber() throws JsonException {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) throw error("leading zero in number");
        } else if (isDigit(peek())) {
            while (isDigit(peek())) pos++;
        } else {
            throw error("expected a digit, found " + describe(pos));
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) throw error("expected a digit after the decimal point, found " + describe(pos));
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("expected a digit in the exponent, found " + describe(pos));
            while (isDigit(peek())) pos++;
        }
        String text = in.substring(start, pos);
        if (integral) {
            // 18 digits always fit a long; longer ones may not.
            if (text.length() <= 18) return Long.parseLong(text);
            BigInteger big = new BigInteger(text);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (text.length() > 1000) throw new JsonException(start, "number longer than 1000 characters");
        double d = Double.parseDouble(text);
        return Double.isInfinite(d) ? new BigDecimal(text) : (Object) d;
    }

    private Object literal(String word, Object value) throws JsonException {
        if (!in.startsWith(word, pos)) throw error("unexpected " + describe(pos) + ", expected a value");
        pos += word.length();
        return value;
    }

    private void enter() throws JsonException {
        if (++depth > limits.maxDepth()) throw error("nesting deeper than " + limits.maxDepth());
    }

    private void expect(char c) throws JsonException {
        if (peek() != c) throw error("expected '" + c + "', found " + describe(pos));
        pos++;
    }

    private void skipWhitespace() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    /** The next character, or 0 at the end (0 never matches anything the grammar accepts here). */
    private char peek() {
        return pos < in.length() ? in.charAt(pos) : 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private String describe(int at) {
        if (at >= in.length()) return "end of input";
        char c = in.charAt(at);
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private JsonException error(String reason) {
        return new JsonException(pos, reason);
    }

    private JsonException error(int at, String reason) {
        return new JsonException(at, reason);
    }
}
