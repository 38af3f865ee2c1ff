package dev.torch4j.cli;

import dev.torch4j.cli.api.ExitCodeLists;

import dev.torch4j.cli.api.Torch4jCommand;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.diff.CheckpointDiff;
import dev.torch4j.diff.DiffOptions;
import dev.torch4j.diff.DiffResult;
import dev.torch4j.diff.TensorComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch4j diff A B}: do two checkpoints hold the same weights? Any two formats torch4j reads;
 * each side's state dict is compared (the weights, not optimizer state). Exit 0: equal within
 * tolerance; 1: different; 2: bad input.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare the weights of two PyTorch files, in any formats torch4j reads.",
                "Lists tensors only in one, dtype and shape changes, and per tensor the largest absolute and",
                "relative difference and the count of elements outside |a - b| <= atol + rtol*|b|",
                "(numpy.allclose; NaN equals NaN). Exit status: 0 equal within tolerance, 1 different, 2 bad input."},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {ExitCodeLists.OK, "1:the files differ beyond the tolerances", ExitCodeLists.BAD_INPUT})
final class DiffCommand extends Torch4jCommand {
    static final int EXIT_DIFFERENT = dev.torch4j.spi.ExitCodes.FINDING;

    @Parameters(index = "0", paramLabel = "A", description = "The first file.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "The second file (the reference for rtol).")
    Path b;

    @Option(names = "--atol", paramLabel = "X", description = "Absolute tolerance (default: ${DEFAULT-VALUE}).", defaultValue = "1e-8")
    double atol;

    @Option(names = "--rtol", paramLabel = "Y", description = "Relative tolerance (default: ${DEFAULT-VALUE}).", defaultValue = "1e-5")
    double rtol;

    @Option(names = "--strip-prefix", paramLabel = "P", description = "Remove this prefix from tensor names on both sides (repeatable; model., module.).")
    List<String> stripPrefixes = new ArrayList<>();

    @Option(names = "--json", description = "Write JSON: {a, b, equal, only_in_a, only_in_b, tensors: [{path, status, ...}]}.")
    boolean json;

    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!(atol >= 0) || !(rtol >= 0) || Double.isInfinite(atol) || Double.isInfinite(rtol)) {
            throw usage("--atol and --rtol must be finite non-negative numbers");
        }
        DiffResult result;
        try (Checkpoint ca = Torch.open(a); Checkpoint cb = Torch.open(b)) {
            result = new CheckpointDiff(new DiffOptions(atol, rtol, stripPrefixes)).compare(ca.stateDict(), cb.stateDict());
        }
        if (json) DiffOutput.json(result, a.toString(), b.toString(), out);
        else DiffOutput.text(result, a.toString(), b.toString(), out);
        out.flush();
        return result.equalWithinTolerance() ? 0 : EXIT_DIFFERENT;
    }

    static String shape(long[] s) {
        return InspectText.shape(s);
    }

    /** A row-major flat index as a multi-index, [i, j, ...]. */
    static long[] unravel(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) return idx;
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    static boolean isChange(TensorComparison c) {
        return !c.matches();
    }
}
