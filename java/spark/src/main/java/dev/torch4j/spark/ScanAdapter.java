package dev.torch4j.spark;

import dev.torch4j.Format;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.PagedRegion;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanLimits;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Severity;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place this module touches the scanner, so that a Spark row and {@code torch4j scan} agree
 * on the same bytes: verdict ({@code dangerous}, {@code unreadable}, {@code unknown}, {@code clean},
 * {@code skipped}: {@link dev.torch4j.scan.Verdict}'s ids), findings and error.
 *
 * <ul>
 *   <li>A file on the local file system ({@code file://}, also an executor's view of a shared mount)
 *       goes through exactly the CLI's call, {@link ModelScanner#scan(java.nio.file.Path, ScanLimits, boolean)}.</li>
 *   <li>Elsewhere (HDFS, S3A) core's scanner reads through a paged region of positioned Hadoop reads,
 *       {@link ModelScanner#scan(String, ByteRegion, ScanLimits)}, the same session over the same
 *       pickles (the 0.1.x tar layout included).</li>
 * </ul>
 */
final class ScanAdapter {
    /** A dangerous global: zip entry (null outside archives), byte offset of its opcode, qualified name. */
    record Finding(String entry, long offset, String global) {}

    /** The container, the verdict's id, every global referenced (first-seen order), the dangerous ones, the error. */
    record Result(String container, String verdict, List<String> globals, List<Finding> findings, String error) {}

    private ScanAdapter() {}

    /** {@code container}: also name the file's format (the files-mode {@code format} column); costs a read of its head. */
    static Result scan(String file, Configuration conf, Budget budget, boolean container) throws IOException {
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(conf);
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            budget.checkSize(file, fs.getFileStatus(path).getLen());
            Format f = container ? detect(file, conf, budget) : null;
            return result(f, named(file, ModelScanner.scan(java.nio.file.Path.of(path.toUri()), ScanLimits.DEFAULT, true)));
        }
        HadoopSource source = HadoopSource.open(file, conf, budget);
        try (PagedRegion region = new PagedRegion(source)) {
            return result(detect(file, region), ModelScanner.scan(file, region, ScanLimits.DEFAULT));
        }
    }

    /** The scanner's result with the file named as Spark lists it (file:/...), not as the local path it was read from. */
    private static ScanResult named(String file, ScanResult r) {
        return new ScanResult(file, r.findings(), r.error() == null ? null : r.error().replace(r.file(), file), r.skipped(),
                r.errorKind(), r.checked());
    }

    private static Format detect(String file, Configuration conf, Budget budget) throws IOException {
        try (PagedRegion region = new PagedRegion(HadoopSource.open(file, conf, budget))) {
            return detect(file, region);
        }
    }

    private static Format detect(String file, ByteRegion region) {
        try {
            return Torch.detect(region, file);
        } catch (TorchFileException | RuntimeException e) {
            return null; // not a model file: the scanner says so
        }
    }

    private static Result result(Format format, ScanResult r) {
        Set<String> globals = new LinkedHashSet<>();
        List<Finding> findings = new ArrayList<>();
        for (dev.torch4j.scan.Finding f : r.findings()) {
            globals.add(f.global());
            if (f.severity() == Severity.DANGEROUS) findings.add(new Finding(f.entry(), f.offset(), f.global()));
        }
        return new Result(format == null ? null : format.id(), r.verdict().id(), List.copyOf(globals), findings, r.error());
    }
}
