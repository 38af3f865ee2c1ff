package dev.torch4j.json;

import java.io.Flushable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Streaming JSON output: compact, or pretty (two-space indentation, one member per line; Java
 * arrays of integers or booleans, such as shapes, stay on one line).
 * Misuse (a value where a member name is due, unbalanced ends) throws IllegalStateException.
 *
 * <p>Strings are escaped as RFC 8259 requires (quote, backslash, control characters) plus U+2028,
 * U+2029 and unpaired surrogates, so the output is valid UTF-8 JSON whatever the input; other
 * characters are written as they are. JSON has no NaN or infinities: by default they are written as
 * the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} (Python's names, so the
 * value survives), or as {@code null} with {@link NonFinite#NULL}.
 */
public final class JsonWriter implements Flushable {
    /** How to write doubles JSON cannot represent. */
    public enum NonFinite { STRING, NULL }

    private enum Scope { EMPTY_ARRAY, ARRAY, EMPTY_OBJECT, OBJECT, NAME_WRITTEN, DOCUMENT, DONE }

    private final Appendable out;
    private final boolean pretty;
    private NonFinite nonFinite = NonFinite.STRING;
    /**
     * The open scopes, innermost last: an array and a count rather than a {@code Deque}, whose
     * interface calls (about forty per tensor row) the client compiler of short commands does not inline.
     */
    private Scope[] stack = new Scope[16];
    private int depth;

    public JsonWriter(Appendable out, boolean pretty) {
        this.out = out;
        this.pretty = pretty;
        push(Scope.DOCUMENT);
    }

    /** A writer continuing at the nesting of {@code other} (a copy of its scopes): for {@link #elements}. */
    private JsonWriter(Appendable out, boolean pretty, JsonWriter other) {
        this.out = out;
        this.pretty = pretty;
        this.stack = other.stack.clone();
        this.depth = other.depth;
    }

    /**
     * A writer that gathers the document in its own buffer and hands it to {@code out} in blocks:
     * for large documents. Nothing reaches {@code out} before {@link #flush()} or {@link #finish()}
     * (or a full buffer), so write nothing else to {@code out} in between.
     */
    public static JsonWriter buffered(java.io.Writer out, boolean pretty) {
        return new JsonWriter(new BufferedSink(out), pretty);
    }

    /**
     * The same as {@link #buffered(java.io.Writer, boolean)}, written to {@code out} as UTF-8 with no
     * Writer in between (ASCII text is copied, not widened to chars and encoded back).
     */
    public static JsonWriter buffered(java.io.OutputStream out, boolean pretty) {
        return new JsonWriter(new Utf8Sink(out), pretty);
    }

    public JsonWriter nonFinite(NonFinite policy) {
        this.nonFinite = policy;
        return this;
    }

    public JsonWriter beginObject() throws IOException {
        return open(Scope.EMPTY_OBJECT, '{');
    }

    public JsonWriter endObject() throws IOException {
        return close(Scope.EMPTY_OBJECT, Scope.OBJECT, '}');
    }

    public JsonWriter beginArray() throws IOException {
        return open(Scope.EMPTY_ARRAY, '[');
    }

    private JsonWriter open(Scope empty, char bracket) throws IOException {
        beforeValue();
        push(empty);
        out.append(bracket);
        return this;
    }

    public JsonWriter endArray() throws IOException {
        return close(Scope.EMPTY_ARRAY, Scope.ARRAY, ']');
    }

    /**
     * A member name quoted and escaped once, for names written many times (a field of every row):
     * {@link #name(Name)} then copies its bytes, where {@link #name(String)} looks at every char
     * again. Like Jackson's {@code SerializedString}.
     */
    public static final class Name {
        private final String quoted;
        private final byte[] utf8;

        private Name(String quoted) {
            this.quoted = quoted;
            this.utf8 = quoted.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        public static Name of(String name) {
            StringBuilder quoted = new StringBuilder(name.length() + 2);
            try {
                new JsonWriter(quoted, false).string(name);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // a StringBuilder does not fail
            }
            return new Name(quoted.toString());
        }

        @Override public String toString() {
            return quoted;
        }
    }

    /** The next member's name, encoded beforehand; a value must follow. The same output as {@link #name(String)}. */
    public JsonWriter name(Name name) throws IOException {
        beforeName();
        if (out instanceof Utf8Sink u) u.appendBytes(name.utf8);
        else out.append(name.quoted);
        return afterName();
    }

    /** The next member's name; a value must follow. */
    public JsonWriter name(String name) throws IOException {
        beforeName();
        string(name);
        return afterName();
    }

    /** What precedes a member's name: a comma after another member, the line and indentation. */
    private void beforeName() throws IOException {
        Scope top = top();
        if (top != Scope.EMPTY_OBJECT && top != Scope.OBJECT) throw new IllegalStateException("name outside an object");
        if (top == Scope.OBJECT) out.append(',');
        newline(depth - 1);
    }

    /** What follows a member's name: the colon; the member's value is due next. */
    private JsonWriter afterName() throws IOException {
        if (out instanceof Utf8Sink u) u.appendAscii(": ", 0, pretty ? 2 : 1);
        else out.append(pretty ? ": " : ":");
        replaceTop(Scope.NAME_WRITTEN);
        return this;
    }

    public JsonWriter value(String s) throws IOException {
        if (s == null) return nullValue();
        beforeValue();
        string(s);
        return this;
    }

    public JsonWriter value(long v) throws IOException {
        beforeValue();
        appendLong(v);
        return this;
    }

    /**
     * An array of integers on one line, as {@link #value(Object)} writes a {@code long[]}: a tensor's
     * shape. (Not a function of the index: a bound method reference per row is a method-handle
     * call in the client compiler that short commands run.)
     */
    public JsonWriter value(long[] items) throws IOException {
        beforeValue();
        out.append('[');
        for (int i = 0; i < items.length; i++) {
            if (i > 0) out.append(pretty ? ", " : ",");
            appendLong(items[i]);
        }
        out.append(']');
        return this;
    }

    private void appendLong(long v) throws IOException {
        if (out instanceof Utf8Sink u) u.appendLong(v);
        else if (out instanceof BufferedSink b) b.appendLong(v);
        else out.append(Long.toString(v));
    }

    public JsonWriter value(double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            if (nonFinite == NonFinite.NULL) return nullValue();
            return value(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
        beforeValue();
        out.append(Double.toString(v)); // e.g. 1.0E-4: valid JSON, and parses back to the same double
        return this;
    }

    public JsonWriter value(boolean v) throws IOException {
        beforeValue();
        out.append(v ? "true" : "false");
        return this;
    }

    public JsonWriter nullValue() throws IOException {
        beforeValue();
        out.append("null");
        return this;
    }

    /**
     * Any value tree: null, String, Boolean, Character, integral Numbers, Float/Double, BigInteger,
     * BigDecimal, Map (keys written with {@code String.valueOf}), Collection, arrays of primitives or
     * objects. Anything else is written as its {@code toString()}.
     */
    public JsonWriter value(Object v) throws IOException {
        if (v == null) return nullValue();
        if (v instanceof String s) return value(s);
        if (v instanceof Boolean b) return value(b.booleanValue());
        if (v instanceof Double || v instanceof Float) return value(((Number) v).doubleValue());
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return value(((Number) v).longValue());
        }
        if (v instanceof BigInteger || v instanceof BigDecimal) {
            beforeValue();
            out.append(v instanceof BigDecimal d ? d.toString() : v.toString());
            return this;
        }
        if (v instanceof Map<?, ?> m) {
            beginObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                name(String.valueOf(e.getKey()));
                value(e.getValue());
            }
            return endObject();
        }
        if (v instanceof Collection<?> c) {
            beginArray();
            for (Object o : c) value(o);
            return endArray();
        }
        if (v instanceof Object[] a) {
            beginArray();
            for (Object o : a) value(o);
            return endArray();
        }
        if (v instanceof long[] a) return value(a);
        if (v instanceof int[] a) return inlineArray(a.length, i -> Integer.toString(a[i]));
        if (v instanceof boolean[] a) return inlineArray(a.length, i -> Boolean.toString(a[i]));
        if (v instanceof double[] a) {
            beginArray();
            for (double x : a) value(x);
            return endArray();
        }
        if (v instanceof float[] a) {
            beginArray();
            for (float x : a) value(x);
            return endArray();
        }
        return value(v.toString());
    }

    /** How {@link #elements} writes one element: exactly one value, through the writer it is given. */
    @FunctionalInterface
    public interface ElementWriter<E> {
        void write(JsonWriter w, E item) throws IOException;
    }

    /** Below this many elements a second thread costs more than it saves. */
    static final int PARALLEL_MIN_ELEMENTS = 4_096;

    /**
     * Writes every item as one element of the array being written, in list order. When the output
     * is UTF-8 bytes ({@link #buffered(java.io.OutputStream, boolean)}), the list is long and a
     * second processor exists, the second half is rendered on another thread into its own buffer
     * while this thread renders the first, and the bytes are appended in order: the document is
     * byte for byte the one a single thread writes. Rendering 20,000 tensor rows is a sixth of a cold
     * {@code inspect --json}, and in a short command the second core is otherwise nearly idle.
     * The second half waits in memory until the first is written (about half the document: for
     * {@code inspect}, less than the rows it is rendered from). {@code element} must not share
     * mutable state between calls.
     */
    public <E> JsonWriter elements(java.util.List<E> items, ElementWriter<E> element) throws IOException {
        Scope top = top();
        if (top != Scope.EMPTY_ARRAY && top != Scope.ARRAY) throw new IllegalStateException("elements outside an array");
        int n = items.size();
        if (!(out instanceof Utf8Sink sink) || n < PARALLEL_MIN_ELEMENTS || Runtime.getRuntime().availableProcessors() < 2) {
            for (E item : items) element.write(this, item);
            return this;
        }
        int half = n / 2;
        java.io.ByteArrayOutputStream rest = new java.io.ByteArrayOutputStream(1 << 20);
        // The second half's writer stands where this one will after the first half: inside the same
        // array, at the same depth, after an element (so it starts with a comma).
        JsonWriter second = new JsonWriter(new Utf8Sink(rest), pretty, this);
        second.nonFinite = nonFinite;
        second.replaceTop(Scope.ARRAY);
        // The first element before the helper starts: its call sites (lambdas, method references) are
        // linked once, here, rather than by both threads at once, where the loser spins a class of its own.
        element.write(this, items.get(0));
        SecondHalf<E> secondHalf = new SecondHalf<>(items, half, n, element, second);
        Thread helper = new Thread(secondHalf, "torch4j-json");
        helper.setDaemon(true);
        helper.start();
        try {
            for (int i = 1; i < half; i++) element.write(this, items.get(i));
        } finally {
            joinQuietly(helper);
        }
        if (secondHalf.failure instanceof IOException e) throw e;
        if (secondHalf.failure instanceof RuntimeException e) throw e;
        if (secondHalf.failure instanceof Error e) throw e;
        if (second.depth != depth || second.top() != Scope.ARRAY) {
            throw new IllegalStateException("an element writer left an unbalanced value");
        }
        sink.appendStream(rest);
        return this;
    }

    /**
     * The second half of {@link #elements}, on its own thread. A class rather than a lambda: a
     * lambda the class-data archive did not see is spun at run time (~1-4 ms in a cold command).
     */
    private static final class SecondHalf<E> implements Runnable {
        private final java.util.List<E> items;
        private final int from;
        private final int to;
        private final ElementWriter<E> element;
        private final JsonWriter writer;
        /** What the element writer threw, read after join. */
        Throwable failure;

        SecondHalf(java.util.List<E> items, int from, int to, ElementWriter<E> element, JsonWriter writer) {
            this.items = items;
            this.from = from;
            this.to = to;
            this.element = element;
            this.writer = writer;
        }

        @Override public void run() {
            try {
                for (int i = from; i < to; i++) element.write(writer, items.get(i));
                writer.flush();
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    /** Waits for the helper; an interrupt is kept for the caller (the helper ends on its own). */
    private static void joinQuietly(Thread helper) throws java.io.InterruptedIOException {
        try {
            helper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing JSON");
        }
    }

    /** Arrays of integers or booleans (shapes, strides) stay on one line even when pretty. */
    private JsonWriter inlineArray(int n, java.util.function.IntFunction<String> item) throws IOException {
        beforeValue();
        out.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) out.append(pretty ? ", " : ",");
            out.append(item.apply(i));
        }
        out.append(']');
        return this;
    }

    @Override public void flush() throws IOException {
        if (out instanceof Flushable f) f.flush();
    }

    /** Ends the document with a newline when pretty (for terminals and files). */
    public void finish() throws IOException {
        if (top() != Scope.DONE) throw new IllegalStateException("document is not complete");
        if (pretty) out.append('\n');
        flush();
    }

    private void beforeValue() throws IOException {
        Scope top = top();
        switch (top) {
            case DOCUMENT -> replaceTop(Scope.DONE);
            case NAME_WRITTEN -> replaceTop(Scope.OBJECT);
            case EMPTY_ARRAY, ARRAY -> {
                if (top == Scope.ARRAY) out.append(',');
                newline(depth - 1);
                replaceTop(Scope.ARRAY);
            }
            case EMPTY_OBJECT, OBJECT -> throw new IllegalStateException("value without a name inside an object");
            case DONE -> throw new IllegalStateException("the document already has its value");
        }
    }

    private JsonWriter close(Scope empty, Scope nonEmpty, char bracket) throws IOException {
        Scope top = top();
        if (top != empty && top != nonEmpty) throw new IllegalStateException("unbalanced '" + bracket + "'");
        stack[--depth] = null;
        if (top == nonEmpty) newline(depth - 1);
        out.append(bracket);
        return this;
    }

    private void replaceTop(Scope s) {
        stack[depth - 1] = s;
    }

    private Scope top() {
        return stack[depth - 1];
    }

    private void push(Scope s) {
        if (depth == stack.length) stack = java.util.Arrays.copyOf(stack, depth * 2);
        stack[depth++] = s;
    }

    /** A newline and 16 levels of indentation: one append of a prefix of it per line, not one per level. */
    private static final String INDENTS = "\n" + "  ".repeat(16);

    private void newline(int level) throws IOException {
        if (!pretty) return;
        if (level > 16) {
            out.append('\n');
            for (int i = 0; i < level; i++) out.append("  ");
        } else if (out instanceof Utf8Sink u) {
            u.appendAscii(INDENTS, 0, 1 + 2 * level);
        } else {
            out.append(INDENTS, 0, 1 + 2 * level);
        }
    }

    private void string(String s) throws IOException {
        out.append('"');
        int run = 0;
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // Printable text below U+2028 (not a quote or backslash) is written as is: decided here,
            // without a call per character.
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
            if (c >= 0x80) {
                ascii = false;
                if (c < 0x2028) continue;
            }
            String esc = escapeOf(s, i, c);
            if (esc == null) continue;
            out.append(s, run, i).append(esc);
            run = i + 1;
        }
        // A UTF-8 sink copies text it is told is ASCII without looking at each char again.
        if (ascii && out instanceof Utf8Sink u) u.appendAscii(s, run, s.length());
        else out.append(s, run, s.length());
        out.append('"');
    }

    /** The escape for the char at i, or null when it is written as is. */
    private static String escapeOf(String s, int i, char c) {
        switch (c) {
            case '"': return "\\\"";
            case '\\': return "\\\\";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            case '\b': return "\\b";
            case '\f': return "\\f";
            case '\u2028': return "\\u2028";
            case '\u2029': return "\\u2029";
            default:
        }
        if (c < 0x20) return String.format("\\u%04x", (int) c);
        if (Character.isHighSurrogate(c)) {
            boolean paired = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            return paired ? null : String.format("\\u%04x", (int) c);
        }
        if (Character.isLowSurrogate(c)) {
            boolean paired = i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            return paired ? null : String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
