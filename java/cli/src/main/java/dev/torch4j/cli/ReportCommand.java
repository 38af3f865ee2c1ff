package dev.torch4j.cli;

import dev.torch4j.cli.api.ExitCodeLists;

import dev.torch4j.cli.api.WritingCommand;

import dev.torch4j.spi.ProgressBar;

import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanResult;

import dev.torch4j.Checkpoint;
import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.diff.CheckpointDiff;
import dev.torch4j.diff.DiffOptions;
import dev.torch4j.diff.DiffResult;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.stats.StatsProgress;
import dev.torch4j.stats.TensorStatistics;
import dev.torch4j.stats.TensorStats;
import dev.torch4j.stats.WeightWarnings;
import dev.torch4j.stats.Warning;
import dev.torch4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code torch4j report FILE}: one self-contained HTML page about a checkpoint (facts, scan verdict,
 * totals, module tree and treemap, tensor table with statistics and histograms, warnings), readable
 * offline in any browser.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write one self-contained HTML page about a PyTorch file (opens offline in any browser).",
                "It shows format, metadata, scan verdict, totals, the module tree, every tensor with statistics",
                "and a histogram, and warnings (NaN/Inf, all-zero tensors, scale outliers, mixed dtypes)."},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {ExitCodeLists.OK, ExitCodeLists.BAD_INPUT})
final class ReportCommand extends WritingCommand {
    @Parameters(paramLabel = "FILE", description = "Any file torch4j reads.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.html", description = "Where to write the page (default: FILE.html beside FILE).")
    Path output;

    @Option(names = "--no-stats", description = "Skip reading tensor data: metadata, tree and table only.")
    boolean noStats;

    @Option(names = "--compare", paramLabel = "B", description = "Also diff the weights against file B and show the result.")
    Path compare;



    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path target = output != null ? output : Path.of(file + ".html");
        // Refuse before any work, like every command that writes; AtomicFile checks again at the move.
        checkOutput(file, target);
        ReportPage.Facts facts = ReportPage.Facts.of(file, Main.Version.number());
        ScanResult scan = ModelScanner.scan(file);
        ReportPage page;
        // Dangerous globals become inert placeholders (nothing runs): the page shows the scan verdict instead of failing.
        try (Checkpoint cp = Torch.open(file, LoadOptions.DEFAULT.withUnsafeGlobalsAllowed())) {
            Inspection inspection = Inspection.of(cp, file.toString(), -1, done -> { });
            Map<String, Tensor> tensors = cp.tensors();
            Map<String, TensorStats> stats = Map.of();
            List<Warning> warnings = List.of();
            if (!noStats) {
                try (ProgressBar bar = progress("statistics", 0, ProgressBar.Unit.BYTES)) {
                    // Worker threads report; the bar itself is not thread-safe.
                    StatsProgress progress = (done, total) -> {
                        synchronized (bar) {
                            bar.expect(total);
                            bar.set(done);
                        }
                    };
                    stats = new TensorStatistics().of(tensors, progress);
                }
                warnings = WeightWarnings.find(tensors, stats);
            }
            DiffResult diff = null;
            if (compare != null) {
                try (Checkpoint other = Torch.open(compare)) {
                    diff = new CheckpointDiff(DiffOptions.DEFAULT).compare(cp.stateDict(), other.stateDict());
                }
            }
            page = new ReportPage(facts, inspection, tensors, scan, stats, !noStats, warnings, diff,
                    compare == null ? null : compare.toString());
            page.write(target, force);
        }
        if (json) {
            JsonWriter w = new JsonWriter(out, true);
            w.beginObject().name("output").value(target.toString()).name("tensors").value(page.tensorCount())
                    .name("warnings").value(page.warningCount()).name("scan").value(page.scanVerdict());
            if (page.diffEqual() != null) w.name("diff_equal").value(page.diffEqual().booleanValue());
            w.endObject();
            w.finish();
            out.println();
        } else {
            out.println("wrote " + target + " (" + page.tensorCount() + " tensors, " + page.warningCount() + " warnings, scan "
                    + page.scanVerdict() + ")");
        }
        out.flush();
        return dev.torch4j.spi.ExitCodes.OK;
    }
}
