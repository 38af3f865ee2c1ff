package dev.torch4j.json;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class JsonParserTest {
    @Test void parsesEveryKindOfValueInOrder() throws Exception {
        Object v = Json.parse(" {\"b\": [1, -2, 3.5, 1e3, true, false, null], \"a\": {\"s\": \"x\"}, \"e\": {}, \"l\": []} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("b", "a", "e", "l"), List.copyOf(m.keySet()));
        List<?> b = (List<?>) m.get("b");
        assertEquals(1L, b.get(0));
        assertEquals(-2L, b.get(1));
        assertEquals(3.5, b.get(2));
        assertEquals(1000.0, b.get(3));
        assertEquals(Boolean.TRUE, b.get(4));
        assertEquals(Boolean.FALSE, b.get(5));
        assertNull(b.get(6));
        assertEquals(Map.of("s", "x"), m.get("a"));
        assertEquals(Map.of(), m.get("e"));
        assertEquals(List.of(), m.get("l"));
    }

    @Test void integersBeyondLongBecomeBigIntegerAndHugeDoublesBigDecimal() throws Exception {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
        assertEquals(new BigDecimal("1e400"), Json.parse("1e400"));
        assertEquals(0.1, Json.parse("0.1"));
        assertEquals(-0.0, Json.parse("-0.0"));
    }

    @Test void decodesEscapes() throws Exception {
        assertEquals("a\"b\\c/d\b\f\n\r\t\u00e9\uD83D\uDE00", Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00E9\\ud83d\\ude00\""));
        assertEquals("plain \u00e9", Json.parse("\"plain \u00e9\""));
    }

    @Test void reportsPreciseOffsets() {
        assertError("{\"a\": 1,}", 8, "expected a member name");
        assertError("[1, 2", 5, "expected ',' or ']'");
        assertError("[1 2]", 3, "expected ',' or ']'");
        assertError("{\"a\" 1}", 5, "expected ':'");
        assertError("01", 1, "leading zero");
        assertError("1.", 2, "decimal point");
        assertError("1e", 2, "exponent");
        assertError("-", 1, "expected a digit");
        assertError("\"abc", 0, "unterminated string");
        assertError("\"a\nb\"", 2, "control character");
        assertError("\"\\x\"", 1, "invalid escape");
        assertError("\"\\u12G4\"", 5, "invalid hex digit");
        assertError("tru", 0, "expected a value");
        assertError("[] x", 3, "after the document");
        assertError("", 0, "unexpected end of input");
        assertError("{\"k\": 1, \"k\": 2}", 9, "duplicate member name");
        assertError("NaN", 0, "expected a value");
    }

    @Test void enforcesLimits() {
        JsonLimits small = new JsonLimits(3, 100, 2, 5);
        assertDoesNotThrow(() -> Json.parse("[[[1]]]", small));
        JsonException deep = assertThrows(JsonException.class, () -> Json.parse("[[[[1]]]]", small));
        assertEquals(3, deep.offset());
        assertTrue(deep.reason().contains("nesting"));
        assertThrows(JsonException.class, () -> Json.parse("[1,2,3]", small));
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,\"b\":2,\"c\":3}", small));
        assertThrows(JsonException.class, () -> Json.parse("\"123456\"", small));
        assertDoesNotThrow(() -> Json.parse("\"12345\"", small));
        assertThrows(JsonException.class, () -> Json.parse(" ".repeat(101), small));
    }

    @Test void deepHostileNestingFailsCleanlyWithDefaultLimits() {
        String hostile = "[".repeat(1_000_000);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(hostile));
        assertEquals(JsonLimits.DEFAULT.maxDepth(), e.offset());
    }

    /** expected.json is written by Python's json module: its facts must come back unchanged. */
    @Test void readsWhatPythonsJsonModuleWrote() throws Exception {
        Path expected = Path.of("src/test/resources/fixtures/expected.json");
        Map<?, ?> all = (Map<?, ?>) Json.parse(Files.readString(expected));
        Map<?, ?> mlp = (Map<?, ?>) all.get("zip/mlp_state_dict.pt");
        assertEquals("zip", mlp.get("format"));
        Map<?, ?> first = (Map<?, ?>) ((List<?>) mlp.get("tensors")).get(0);
        assertEquals("fc1.weight", first.get("path"));
        assertEquals(List.of(16L, 8L), first.get("shape"));
        assertEquals(64, ((String) first.get("sha256")).length());
    }

    private static void assertError(String json, int offset, String reasonPart) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(json), json);
        assertEquals(offset, e.offset(), () -> json + ": " + e.getMessage());
        assertTrue(e.reason().contains(reasonPart), () -> json + ": " + e.getMessage());
    }
}
