package dev.torch4j.coreml;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/coreml.md's op table is the registry's, and every coremltools counterpart it names exists in coremltools 6.2. */
class CoreMlDocsTest {
    static final String BEGIN = "<!-- coreml-ops:begin -->";
    static final String END = "<!-- coreml-ops:end -->";

    @Test
    void docsTableIsTheRegistrysTable() throws IOException {
        Path docs = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && docs == null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/coreml.md"))) docs = p.resolve("docs/coreml.md");
        }
        if (docs == null) throw new AssertionError("no docs/coreml.md above " + Path.of("").toAbsolutePath());
        String text = Files.readString(docs);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) throw new AssertionError(docs + " has no " + BEGIN + " ... " + END + " block");
        String inDocs = text.substring(begin + BEGIN.length(), end).strip();
        assertEquals(SupportedOps.markdownTable().strip(), inDocs, docs + "'s Core ML op table; expected:\n" + SupportedOps.markdownTable());
    }

    @Test
    void everyCoremltoolsCounterpartExistsInCoremltools() throws IOException {
        List<String> registry = CoreMlOracle.coremltoolsRegistry();
        List<String> missing = new ArrayList<>();
        for (SupportedOps.Entry e : SupportedOps.entries()) if (!e.coremltools().equals(SupportedOps.NONE) && !registry.contains(e.coremltools())) missing.add(e.op() + " -> " + e.coremltools());
        assertEquals(List.of(), missing, "coremltools 6.2 converters named in the registry but absent from coremltools");
    }

    @Test
    void inPlaceFormsResolveToTheirOp() {
        assertEquals("aten::relu", SupportedOps.lookup("aten::relu_").op());
        assertEquals("aten::hardtanh", SupportedOps.lookup("aten::hardtanh_").op());
        assertEquals(null, SupportedOps.lookup("aten::softmax_"), "softmax has no in-place form");
        assertEquals(null, SupportedOps.lookup("aten::cumprod"));
    }
}
