package dev.torch4j.cli;

import dev.torch4j.json.JsonWriter;
import dev.torch4j.scan.Finding;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Severity;
import dev.torch4j.scan.Use;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A SARIF 2.1.0 log of a scan, the format code-scanning dashboards import: one rule per kind of
 * use, one result per finding (error for dangerous, warning for unknown) and one per unreadable
 * file, located by file URI with the entry, chain and byte offset in the message and properties.
 */
final class Sarif {
    private Sarif() {}

    static String report(List<ScanResult> results, String version) {
        StringWriter s = new StringWriter();
        try {
            JsonWriter w = new JsonWriter(s, true);
            w.beginObject();
            w.name("$schema").value("https://json.schemastore.org/sarif-2.1.0.json");
            w.name("version").value("2.1.0");
            w.name("runs").beginArray().beginObject();
            w.name("tool").beginObject().name("driver").beginObject()
                    .name("name").value("torch4j scan").name("version").value(version)
                    .name("informationUri").value("https://github.com/torch4j/torch4j")
                    .name("rules").beginArray();
            for (Use u : Use.values()) {
                w.beginObject().name("id").value(ruleId(u))
                        .name("shortDescription").beginObject().name("text").value("Global or operator " + u.label()).endObject()
                        .endObject();
            }
            w.beginObject().name("id").value("torch4j/unreadable")
                    .name("shortDescription").beginObject().name("text").value("File could not be read completely").endObject()
                    .endObject();
            w.endArray().endObject().endObject();
            w.name("results").beginArray();
            for (ScanResult r : results) {
                for (Finding f : r.findings()) {
                    w.beginObject().name("ruleId").value(ruleId(f.use()))
                            .name("level").value(f.severity() == Severity.DANGEROUS ? "error" : "warning")
                            .name("message").beginObject().name("text").value(f.severity() + " " + f.global()
                                    + " (" + f.use().label() + ")" + (f.chain().isEmpty() ? "" : " in " + f.chainText())
                                    + (f.offset() >= 0 ? " at byte " + f.offset() : "") + ": " + f.reason()).endObject();
                    location(w, r.file());
                    w.name("properties").beginObject().name("global").value(f.global()).name("entry").value(f.entry())
                            .name("offset").value(f.offset()).name("chain").beginArray();
                    for (String c : f.chain()) w.value(c);
                    w.endArray().endObject().endObject();
                }
                if (r.error() != null) {
                    w.beginObject().name("ruleId").value("torch4j/unreadable").name("level").value("error")
                            .name("message").beginObject().name("text").value(r.error()).endObject();
                    location(w, r.file());
                    w.endObject();
                }
            }
            w.endArray().endObject().endArray().endObject();
            w.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }

    private static void location(JsonWriter w, String file) throws IOException {
        w.name("locations").beginArray().beginObject().name("physicalLocation").beginObject()
                .name("artifactLocation").beginObject().name("uri").value(uri(file)).endObject()
                .endObject().endObject().endArray();
    }

    /** Relative paths stay relative (dashboards resolve them against the checkout); others become file URIs. */
    private static String uri(String file) {
        Path p = Path.of(file);
        return p.isAbsolute() ? p.toUri().toString() : file.replace('\\', '/');
    }

    private static String ruleId(Use u) {
        return "torch4j/" + u.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
