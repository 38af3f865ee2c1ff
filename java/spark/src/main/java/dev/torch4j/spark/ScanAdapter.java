package dev.torch4j.spark;

import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.format.Container;
import dev.torch4j.format.FormatDetector;
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
 *       pickles; core's region entry point does not yet take the 0.1.x tar layout, which the CLI hands
 *       to the loader, so a tar-layout file is given to the loader here in the same way.</li>
 * </ul>
 */
final class ScanAdapter {
    /** A dangerous global: zip entry (null outside archives), byte offset of its opcode, qualified name. */
    record Finding(String entry, long offset, String global) {}

    /** The container, the verdict's id, every global referenced (first-seen order), the dangerous ones, the error. */
    record Result(String container, String verdict, List<String> globals, List<Finding> findings, String error) {}

    private ScanAdapter() {}

    static Container container(String file, ByteRegion bytes) throws TorchFileException {
        byte[] head = new byte[(int) Math.min(FormatDetector.HEAD_BYTES, bytes.size())];
        bytes.copyTo(0, head, 0, head.length);
        int last = bytes.size() == 0 ? -1 : bytes.get(bytes.size() - 1) & 0xff;
        return FormatDetector.detect(file, head, bytes.size(), last);
    }

    /** {@code container}: also name the file's container (the files-mode {@code format} column); costs a read of its head. */
    static Result scan(String file, Configuration conf, Budget budget, boolean container) throws IOException {
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(conf);
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            budget.checkSize(file, fs.getFileStatus(path).getLen());
            Container c = container ? detect(file, conf, budget) : null;
            return result(c, named(file, ModelScanner.scan(java.nio.file.Path.of(path.toUri()), ScanLimits.DEFAULT, true)));
        }
        HadoopSource source = HadoopSource.open(file, conf, budget);
        try (PagedRegion region = new PagedRegion(source)) {
            Container c = detect(file, region);
            ScanResult r = c == Container.LEGACY_TAR ? tarThroughLoader(file, conf, budget)
                    : ModelScanner.scan(file, region, ScanLimits.DEFAULT);
            return result(c, r);
        }
    }

    /** The scanner's result with the file named as Spark lists it (file:/...), not as the local path it was read from. */
    private static ScanResult named(String file, ScanResult r) {
        return new ScanResult(file, r.findings(), r.error() == null ? null : r.error().replace(r.file(), file), r.skipped());
    }

    private static Container detect(String file, Configuration conf, Budget budget) throws IOException {
        try (PagedRegion region = new PagedRegion(HadoopSource.open(file, conf, budget))) {
            return detect(file, region);
        }
    }

    private static Container detect(String file, ByteRegion region) {
        try {
            return container(file, region);
        } catch (TorchFileException | RuntimeException e) {
            return null; // not a model container: the scanner says so
        }
    }

    private static Result result(Container container, ScanResult r) {
        Set<String> globals = new LinkedHashSet<>();
        List<Finding> findings = new ArrayList<>();
        for (dev.torch4j.scan.Finding f : r.findings()) {
            globals.add(f.global());
            if (f.severity() == Severity.DANGEROUS) findings.add(new Finding(f.entry(), f.offset(), f.global()));
        }
        String name = container == null ? null : container.name().toLowerCase(java.util.Locale.ROOT);
        return new Result(name, r.verdict().id(), List.copyOf(globals), findings, r.error());
    }

    /** What the CLI's scanner does with the tar layout: the loader reads it and refuses a dangerous global. */
    private static ScanResult tarThroughLoader(String file, Configuration conf, Budget budget) {
        try {
            Torch.open(HadoopSource.open(file, conf, budget), file, LoadOptions.DEFAULT).close();
            return new ScanResult(file, List.of(), null);
        } catch (UnsafePickleException e) {
            return new ScanResult(file, List.of(new dev.torch4j.scan.Finding(e.global(), dev.torch4j.scan.Use.CALLED,
                    Severity.DANGEROUS, e.entry(), e.offset(), e.entry() == null ? List.of() : List.of(e.entry()),
                    "refused by the loader's denylist")), null);
        } catch (TorchFileException e) {
            return new ScanResult(file, List.of(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new ScanResult(file, List.of(), file + ": " + Failures.message(e));
        }
    }
}
