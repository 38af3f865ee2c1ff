package dev.torch4j.cli;

import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.format.Container;
import dev.torch4j.io.MappedFile;
import dev.torch4j.pickle.PickleScanner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The dangerous globals in every pickle of one file, found by {@link PickleScanner} (it walks the
 * opcodes and never builds or calls anything). A malformed pickle makes the file unreadable, after
 * the findings before the damage are kept.
 */
final class FileScan {
    /** A dangerous global: where it is (zip entry or null; byte offset of its opcode) and its name. */
    record Finding(String entry, long offset, String global) {}

    /** The findings, and the error that stopped the scan early (null when the whole file was read). */
    record Report(List<Finding> findings, TorchFileException error) {}

    private FileScan() {}

    static Report scan(Path path) throws IOException {
        try (MappedFile file = MappedFile.open(path)) {
            Container container = ArchivePickles.container(path, file);
            if (container == Container.LEGACY_TAR) return scanWithLoader(path);
            List<Finding> findings = new ArrayList<>();
            for (ArchivePickles.Source s : ArchivePickles.sources(path, file, container)) {
                TorchFileException error = scanInARow(path, s, findings);
                if (error != null) return new Report(findings, error);
            }
            return new Report(findings, null);
        }
    }

    /** Scans up to {@code s.count()} pickles back to back; returns the error that stopped it, if any. */
    private static TorchFileException scanInARow(Path path, ArchivePickles.Source s, List<Finding> findings) {
        PickleScanner scanner = new PickleScanner(path.toString(), s.entry());
        long start = 0;
        for (int i = 0; i < s.count(); i++) {
            PickleScanner.Result r = scanner.scan(s.bytes(), start);
            for (PickleScanner.GlobalRef g : r.globals()) {
                if (g.dangerous()) findings.add(new Finding(s.entry(), g.offset(), g.qualifiedName()));
            }
            if (r.error() != null) return r.error();
            start = r.end();
            // A plain file may hold more pickles; whatever else follows the last one is not a pickle.
            if (start >= s.bytes().size() || (s.count() == Integer.MAX_VALUE && s.bytes().get(start) != (byte) 0x80)) break;
        }
        return null;
    }

    /**
     * The 0.1.x tar layout keeps pickles inside tar members mixed with raw data; the loader reads
     * them all and stops at the first dangerous global, which is reported.
     */
    private static Report scanWithLoader(Path path) throws IOException {
        try {
            Torch.open(path, LoadOptions.DEFAULT).close();
            return new Report(List.of(), null);
        } catch (UnsafePickleException e) {
            return new Report(List.of(new Finding(e.entry(), e.offset(), e.global())), null);
        }
    }
}
