package dev.torch4j.spark;

import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanLimits;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Severity;
import dev.torch4j.scan.Verdict;

import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.io.ByteRegion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place this module touches the scanner: core's {@code dev.torch4j.scan} (which walks
 * opcodes and never builds or calls anything) applied to the pickles the CLI's {@code scan}
 * looks at: every {@code *.pkl}/{@code *.debug_pkl} zip entry, the five pickles of a legacy file,
 * each pickle of a plain pickle file; the 0.1.x tar layout goes through the loader, which stops
 * at the first dangerous global.
 *
 * <p>Verdicts: {@code dangerous} when a global that can run code was found (this wins over read
 * errors), {@code unknown} when the scan could not read every pickle (malformed, truncated, over
 * a budget) and found nothing, {@code clean} when every pickle was read and none is dangerous.
 */
final class ScanAdapter {
    /** A dangerous global: zip entry (null outside archives), byte offset of its opcode, qualified name. */
    record Finding(String entry, long offset, String global) {}

    /** The container, every global referenced (qualified names, first-seen order), the dangerous ones, and why the scan stopped early. */
    record Result(String container, List<String> globals, List<Finding> findings, String error) {
        String verdict() {
            return !findings.isEmpty() ? "dangerous" : error != null ? "unknown" : "clean";
        }
    }

    private static final int LEGACY_PICKLES = 5;

    private ScanAdapter() {}

    /**
     * Scans {@code bytes} with core's scanner ({@link ModelScanner}: the same code as the CLI's
     * {@code scan}), reading only through {@code bytes}: ranges of the remote file, on demand.
     */
    static Result scan(String file, ByteRegion bytes) {
        String container = null;
        try {
            container = Torch.detect(bytes, file).id();
        } catch (TorchFileException | RuntimeException e) {
            // not a model container: the scanner says why in its error
        }
        ScanResult r = ModelScanner.scan(file, bytes, ScanLimits.DEFAULT);
        Set<String> globals = new LinkedHashSet<>();
        List<Finding> findings = new ArrayList<>();
        for (dev.torch4j.scan.Finding f : r.findings()) {
            globals.add(f.global());
            if (f.severity() == Severity.DANGEROUS) findings.add(new Finding(f.entry(), f.offset(), f.global()));
        }
        String error = r.error();
        if (error == null && r.verdict() == Verdict.UNKNOWN) error = "unknown: globals not on the vetted list (loading runs their modules' code)";
        return new Result(container, List.copyOf(globals), findings, error);
    }
}
