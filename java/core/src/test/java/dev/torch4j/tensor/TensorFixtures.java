package dev.torch4j.tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Loads the fixtures written by {@code src/test/python/gen_tensor_fixtures.py} (PyTorch as oracle). */
public final class TensorFixtures {
    private TensorFixtures() {}

    public static byte[] gz(String name) {
        try (InputStream in = new GZIPInputStream(resource(name))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = TensorFixtures.class.getResourceAsStream("/tensor/" + name);
        if (in == null) throw new IllegalStateException("missing test resource tensor/" + name);
        return in;
    }

    /** One strided view from views.txt: its storage, layout and what PyTorch computed from it. */
    record ViewCase(Map<String, String> fields) {
        String name() { return fields.get("case"); }
        DType dtype() { return DType.fromPythonName(fields.get("dtype")); }
        long[] longs(String key) {
            String v = fields.get(key);
            if (v.isEmpty()) return new long[0];
            String[] parts = v.split(",");
            long[] out = new long[parts.length];
            for (int i = 0; i < parts.length; i++) out[i] = Long.parseLong(parts[i]);
            return out;
        }
        long offset() { return Long.parseLong(fields.get("offset")); }
        boolean contiguous() { return Boolean.parseBoolean(fields.get("contiguous")); }
        /** Hex field as bytes, or null when PyTorch had no value ("-"). */
        byte[] bytes(String key) {
            String v = fields.get(key);
            return v.equals("-") ? null : HexFormat.of().parseHex(v);
        }
        @Override public String toString() { return name(); }
    }

    static List<ViewCase> views() {
        List<ViewCase> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resource("views.txt"), StandardCharsets.UTF_8))) {
            Map<String, String> cur = new LinkedHashMap<>();
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                if (line.equals("end")) {
                    out.add(new ViewCase(cur));
                    cur = new LinkedHashMap<>();
                    continue;
                }
                int sp = line.indexOf(' ');
                cur.put(sp < 0 ? line : line.substring(0, sp), sp < 0 ? "" : line.substring(sp + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
