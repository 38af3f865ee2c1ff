package dev.torch4j.json;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A small JSON reader and writer with no dependencies.
 *
 * <p>{@link #parse(String)} maps JSON to plain Java values: objects to {@link java.util.LinkedHashMap}
 * (member order kept; duplicate names are an error, since a reader that kept either one would be
 * ambiguous), arrays to {@link java.util.ArrayList}, strings to String, {@code true/false} to Boolean,
 * {@code null} to null, integers to Long (BigInteger beyond 64 bits) and numbers with a fraction or
 * exponent to Double (BigDecimal when a double would overflow to infinity, so nothing is lost).
 */
public final class Json {
    private Json() {}

    public static Object parse(String text) throws JsonException {
        return parse(text, JsonLimits.DEFAULT);
    }

    public static Object parse(String text, JsonLimits limits) throws JsonException {
        return new JsonParser(text, limits).parseDocument();
    }

    /** Compact JSON for a value tree (see {@link JsonWriter#value(Object)}); non-finite doubles as strings. */
    public static String write(Object value) {
        return write(value, false);
    }

    /** JSON for a value tree, two-space indented when {@code pretty}. */
    public static String write(Object value, boolean pretty) {
        StringBuilder sb = new StringBuilder();
        try {
            JsonWriter w = new JsonWriter(sb, pretty);
            w.value(value);
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder never throws
        }
        return sb.toString();
    }
}
