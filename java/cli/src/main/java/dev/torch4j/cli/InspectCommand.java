package dev.torch4j.cli;

import dev.torch4j.cli.api.ExitCodeLists;

import dev.torch4j.cli.api.Torch4jCommand;

import dev.torch4j.Checkpoint;
import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code torch4j inspect FILE}: what a PyTorch file holds, for people or (--json) for programs. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show the format, metadata, tensors (path, dtype, shape, bytes) and other values of a PyTorch file.",
                "The format is found from the content, whatever the extension."},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {ExitCodeLists.OK, ExitCodeLists.BAD_INPUT})
final class InspectCommand extends Torch4jCommand {
    @Parameters(paramLabel = "FILE", description = "A torch.save, legacy, pickle, joblib, TorchScript, mobile (.ptl), .npy, .npz, torch.export (.pt2), ExecuTorch (.pte) or .ptd file.")
    Path file;

    @Option(names = "--json", description = "Write JSON: {file, format, tensors: [{path, dtype, shape, ...}], metadata, ...}.")
    boolean json;

    @Option(names = "--hash", description = "Add the sha256 of each tensor's row-major little-endian element bytes.")
    boolean hash;

    @Option(names = "--torch-tensors-only", description = {"List only PyTorch tensors, as torch.load sees them: numpy arrays "
            + "and numpy scalars (joblib, .npy/.npz, optimizer states) stay among the values instead."})
    boolean torchTensorsOnly;

    /** What {@code --max-hash-bytes} is when not given. */
    static final String DEFAULT_MAX_HASH_BYTES = "64GiB";
    /** {@link #DEFAULT_MAX_HASH_BYTES} in bytes, known without ByteSize's pattern (compiling a regex costs a cold start ~8 ms). */
    static final long DEFAULT_MAX_HASH_LIMIT = 64L << 30;

    @Option(names = "--max-hash-bytes", paramLabel = "SIZE", defaultValue = DEFAULT_MAX_HASH_BYTES,
            description = "Refuse to hash a tensor of more logical bytes (a stride-0 view of [2^40] has 4 TiB; default ${DEFAULT-VALUE}).")
    String maxHashBytes;

    @Override public Integer call() throws Exception {
        PrintWriter out = out();
        PrintWriter err = err();
        Inspection inspection;
        long hashLimit;
        try {
            hashLimit = maxHashBytes.equals(DEFAULT_MAX_HASH_BYTES) ? DEFAULT_MAX_HASH_LIMIT
                    : dev.torch4j.convert.ByteSize.parse(maxHashBytes);
        } catch (IllegalArgumentException e) {
            throw usage("--max-hash-bytes: " + e.getMessage());
        }
        LoadOptions options = torchTensorsOnly ? LoadOptions.DEFAULT.withTorchTensorsOnly() : LoadOptions.DEFAULT;
        try (Checkpoint cp = Torch.open(file, options)) {
            int total = hash ? cp.tensors().size() : 0;
            try (Terminal.Progress progress = Terminal.progress(err, "hashing tensors", total,
                    hash && Terminal.stderrIsTerminal())) {
                inspection = Inspection.of(cp, file.toString(), hash ? hashLimit : -1, progress, torchTensorsOnly);
            }
        }
        if (json) InspectJson.write(inspection, out);
        else InspectText.write(inspection, out);
        out.flush();
        return dev.torch4j.spi.ExitCodes.OK;
    }
}
