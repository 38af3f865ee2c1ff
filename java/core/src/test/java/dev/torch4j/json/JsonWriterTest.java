package dev.torch4j.json;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class JsonWriterTest {
    @Test void writesCompactAndPretty() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", "a.pt");
        m.put("shape", new long[] {50, 16});
        m.put("empty", List.of());
        m.put("none", null);
        m.put("nested", Map.of("ok", true));
        assertEquals("{\"file\":\"a.pt\",\"shape\":[50,16],\"empty\":[],\"none\":null,\"nested\":{\"ok\":true}}",
                Json.write(m));
        assertEquals("{\n  \"file\": \"a.pt\",\n  \"shape\": [50, 16],\n  \"empty\": [],\n"
                + "  \"none\": null,\n  \"nested\": {\n    \"ok\": true\n  }\n}", Json.write(m, true));
    }

    @Test void bufferedWriterHoldsTheDocumentUntilFinish() throws Exception {
        StringWriter out = new StringWriter();
        JsonWriter w = JsonWriter.buffered(out, true);
        long[] shape = {50, 16};
        w.beginObject().name("path").value("fc.weight").name("shape").value(shape)
                .name("min").value(Long.MIN_VALUE).name("neg").value(-1234567890123L).name("zero").value(0L);
        assertEquals("", out.toString(), "nothing reaches the writer before the buffer fills or flushes");
        w.name("long").value("x".repeat(10_000)); // longer than the buffer: drained in blocks
        w.endObject().finish();
        assertEquals("{\n  \"path\": \"fc.weight\",\n  \"shape\": [50, 16],\n  \"min\": -9223372036854775808,\n"
                + "  \"neg\": -1234567890123,\n  \"zero\": 0,\n  \"long\": \"" + "x".repeat(10_000) + "\"\n}\n",
                out.toString());
    }

    @Test void byteStreamWriterWritesTheSameDocumentAsUtf8() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("caf\u00e9", "na\u00efve \u4e2d \uD83D\uDE00 q\" b\\ \n \u2028 lone \uD83D end");
        m.put("\u4e2d\u6587.w", new long[] {3, -4});
        m.put("long", "x".repeat(70_000) + "\u00e9" + "y".repeat(70_000)); // past the 64 KiB buffer, twice
        m.put("ascii " + "z".repeat(100_000), List.of(1.5, Long.MIN_VALUE, true, new BigInteger("12345678901234567890")));
        m.put("chars", List.of('\u00e9', 'a'));
        StringWriter chars = new StringWriter();
        JsonWriter.buffered(chars, true).value(m).finish();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        JsonWriter w = JsonWriter.buffered(bytes, true);
        w.value(m);
        assertEquals(0, bytes.size() % (1 << 16), "only full 64 KiB blocks reach the stream before finish");
        w.finish();
        assertArrayEquals(chars.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), bytes.toByteArray());
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\n  \"caf\u00e9\": \"na\u00efve \u4e2d \uD83D\uDE00 q\\\" b\\\\ \\n \\u2028 lone \\ud83d end\",\n"
                + "  \"\u4e2d\u6587.w\": [3, -4],\n"), text.substring(0, 120));
    }

    /** A name encoded beforehand writes what the same name as a String does, through every kind of output. */
    @Test void encodedNamesWriteTheSameAsStrings() throws Exception {
        String[] names = {"path", "", "storage_offset", "q\" b\\ \n \u0001", "caf\u00e9 \u4e2d \uD83D\uDE00", "\u2028 lone \uD83D"};
        for (boolean pretty : new boolean[] {false, true}) {
            StringWriter plainChars = new StringWriter();
            StringWriter encodedChars = new StringWriter();
            java.io.ByteArrayOutputStream plainBytes = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream encodedBytes = new java.io.ByteArrayOutputStream();
            StringBuilder plainText = new StringBuilder();
            StringBuilder encodedText = new StringBuilder();
            JsonWriter[] plain = {JsonWriter.buffered(plainChars, pretty), JsonWriter.buffered(plainBytes, pretty), new JsonWriter(plainText, pretty)};
            JsonWriter[] encoded = {JsonWriter.buffered(encodedChars, pretty), JsonWriter.buffered(encodedBytes, pretty),
                new JsonWriter(encodedText, pretty)};
            for (int k = 0; k < plain.length; k++) {
                plain[k].beginObject().name("outer").beginObject();
                encoded[k].beginObject().name(JsonWriter.Name.of("outer")).beginObject();
                for (int i = 0; i < names.length; i++) {
                    plain[k].name(names[i]).value(i);
                    encoded[k].name(JsonWriter.Name.of(names[i])).value(i);
                }
                plain[k].endObject().endObject().finish();
                encoded[k].endObject().endObject().finish();
            }
            assertEquals(plainChars.toString(), encodedChars.toString());
            assertArrayEquals(plainBytes.toByteArray(), encodedBytes.toByteArray());
            assertEquals(plainText.toString(), encodedText.toString());
            Map<?, ?> outer = (Map<?, ?>) ((Map<?, ?>) Json.parse(encodedText.toString())).get("outer");
            assertEquals(List.of(names), List.copyOf(outer.keySet()));
        }
        assertThrows(IllegalStateException.class, () -> new JsonWriter(new StringBuilder(), false).name(JsonWriter.Name.of("x")));
    }

    @Test void escapesWhatJsonRequires() {
        assertEquals("\"q\\\" b\\\\ n\\n t\\t c\\u0001 \u00e9 \uD83D\uDE00 \\u2028\"",
                Json.write("q\" b\\ n\n t\t c\u0001 \u00e9 \uD83D\uDE00 \u2028"));
        assertEquals("\"lone \\ud83d and \\ude00\"", Json.write("lone \uD83D and \uDE00"));
    }

    @Test void nonFiniteDoublesAsStringsOrNull() throws Exception {
        assertEquals("[\"NaN\",\"Infinity\",\"-Infinity\",1.5]",
                Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5)));
        StringWriter out = new StringWriter();
        JsonWriter w = new JsonWriter(out, false).nonFinite(JsonWriter.NonFinite.NULL);
        w.beginArray().value(Double.NaN).value(Float.NEGATIVE_INFINITY).endArray();
        assertEquals("[null,null]", out.toString());
    }

    @Test void roundTripsThroughTheParser() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("big", new BigInteger("123456789012345678901234567890"));
        m.put("min", Long.MIN_VALUE);
        m.put("tiny", 1e-300);
        m.put("text", "\u0000\u001f\"\\/\u2029");
        m.put("list", List.of(1L, 2.25, "x", false));
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals(m, Json.parse(Json.write(m, true)));
    }

    @Test void rejectsMisuse() throws Exception {
        JsonWriter w = new JsonWriter(new StringBuilder(), false);
        w.beginObject();
        assertThrows(IllegalStateException.class, () -> w.value(1));
        assertThrows(IllegalStateException.class, w::endArray);
        w.name("a").value(1).endObject();
        assertThrows(IllegalStateException.class, () -> w.value(2));
        w.finish();
        assertThrows(IllegalStateException.class, () -> new JsonWriter(new StringBuilder(), false).finish());
    }

    /** A document of many rows, written with {@code elements} when parallel, else with a plain loop. */
    private static byte[] rows(int n, boolean parallel, boolean pretty) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        JsonWriter w = JsonWriter.buffered(out, pretty);
        List<Integer> items = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) items.add(i);
        JsonWriter.ElementWriter<Integer> row = (x, i) -> {
            x.beginObject().name("path").value("layer" + i + (i % 7 == 0 ? ".\u00e9\u2028\"q" : ".weight"))
                    .name("shape").value(new long[] {i, 3}).name("nested").beginArray().value(i % 3 == 0).endArray()
                    .endObject();
        };
        w.beginObject().name("before").value(1).name("tensors").beginArray();
        if (parallel) {
            w.elements(items, row);
        } else {
            for (Integer i : items) row.write(w, i);
        }
        w.endArray().name("after").value("x").endObject().finish();
        return out.toByteArray();
    }

    @Test void elementsOnTwoThreadsWriteTheSameBytesAsOneLoop() throws Exception {
        // Around the threshold (one thread below it), odd and even counts, empty, compact and pretty.
        for (int n : new int[] {0, 1, JsonWriter.PARALLEL_MIN_ELEMENTS - 1, JsonWriter.PARALLEL_MIN_ELEMENTS,
                JsonWriter.PARALLEL_MIN_ELEMENTS + 1, 20_001}) {
            for (boolean pretty : new boolean[] {false, true}) {
                byte[] one = rows(n, false, pretty);
                byte[] two = rows(n, true, pretty);
                assertArrayEquals(one, two, n + " rows, pretty " + pretty);
                Object parsed = Json.parse(new String(two, java.nio.charset.StandardCharsets.UTF_8));
                List<?> tensors = (List<?>) ((Map<?, ?>) parsed).get("tensors");
                assertEquals(n, tensors.size());
                if (n > 7) assertEquals("layer7.\u00e9\u2028\"q", ((Map<?, ?>) tensors.get(7)).get("path"));
            }
        }
    }

    /** Python's json module (the reference) reads the two-thread document as the rows that were written. */
    @Test void pythonReadsTheTwoThreadDocument(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        dev.torch4j.testing.ReferencePython.require("json", "hashlib");
        int n = 20_001;
        java.nio.file.Path file = tmp.resolve("rows.json");
        java.nio.file.Files.write(file, rows(n, true, true));
        StringBuilder paths = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) paths.append('\n');
            paths.append("layer").append(i).append(i % 7 == 0 ? ".\u00e9\u2028\"q" : ".weight");
        }
        String expected = n + " " + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(paths.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))) + " 1 x";
        String got = dev.torch4j.testing.ReferencePython.runSource(
                "import json, hashlib, sys\n"
                        + "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
                        + "t = d['tensors']\n"
                        + "assert all(r['shape'] == [i, 3] and r['nested'] == [i % 3 == 0] for i, r in enumerate(t))\n"
                        + "h = hashlib.sha256('\\n'.join(r['path'] for r in t).encode('utf-8')).hexdigest()\n"
                        + "print(len(t), h, d['before'], d['after'])", file.toString()).trim();
        assertEquals(expected, got);
    }

    @Test void elementsReportsAFailureOfEitherHalf() throws Exception {
        List<Integer> items = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) items.add(i);
        for (int bad : new int[] {10, 9_000}) {
            JsonWriter w = JsonWriter.buffered(new java.io.ByteArrayOutputStream(), true);
            w.beginArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.elements(items, (x, i) -> {
                if (i == bad) throw new IllegalArgumentException("row " + i);
                x.value(i);
            }));
            assertEquals("row " + bad, e.getMessage());
        }
        JsonWriter w = JsonWriter.buffered(new java.io.ByteArrayOutputStream(), true);
        w.beginArray();
        assertThrows(IllegalStateException.class, () -> w.elements(items, (x, i) -> x.beginObject()),
                "an element left open is misuse, as it would be on one thread");
        JsonWriter o = JsonWriter.buffered(new java.io.ByteArrayOutputStream(), true);
        o.beginObject();
        assertThrows(IllegalStateException.class, () -> o.elements(items, JsonWriter::value));
    }
}
