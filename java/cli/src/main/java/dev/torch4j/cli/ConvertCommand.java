package dev.torch4j.cli;

import dev.torch4j.cli.api.ExitCodeLists;

import dev.torch4j.cli.api.WritingCommand;

import dev.torch4j.convert.NotJustTensorsException;

import dev.torch4j.convert.ByteSize;
import dev.torch4j.convert.ConvertOptions;
import dev.torch4j.convert.ConvertResult;
import dev.torch4j.convert.Converter;
import dev.torch4j.convert.OutputFormat;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.tensor.DType;
import dev.torch4j.spi.ExitCodes;
import dev.torch4j.spi.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code torch4j convert IN OUT}: rewrite a checkpoint as torch.save or safetensors. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a PyTorch file (any format torch4j reads, or a sharded *.index.json) to a "
                + "torch.save archive or safetensors. Tensor data is streamed; outputs appear atomically."},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {ExitCodeLists.OK, ExitCodeLists.BAD_INPUT})
public final class ConvertCommand extends WritingCommand {
    @Parameters(index = "0", paramLabel = "IN", description = "Input file, or a Hugging Face *.index.json.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output file (its extension picks the format unless --to is given), or a folder.")
    Path out;

    @Option(names = "--to", paramLabel = "FORMAT", description = "Output format: pth or safetensors.")
    String to;

    @Option(names = "--state-dict", description = "Write only the state dict (Lightning state_dict, {model: ...}, module parameters, TorchScript).")
    boolean stateDict;

    @Option(names = "--strip-prefix", paramLabel = "PREFIX", description = "Remove this prefix from tensor names (repeatable, applied in order).")
    List<String> stripPrefixes = new ArrayList<>();

    @Option(names = "--dtype", paramLabel = "DTYPE", description = "Cast floating-point tensors: float16, bfloat16 or float32 (round to nearest even).")
    String dtype;

    @Option(names = "--max-shard-size", paramLabel = "SIZE", description = "Split into Hugging Face shards of at most SIZE (e.g. 2GB) plus an index.")
    String maxShardSize;



    @Override public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        DType cast = null;
        if (dtype != null) {
            cast = DType.fromPythonName(dtype);
            if (cast != DType.FLOAT16 && cast != DType.BFLOAT16 && cast != DType.FLOAT32) {
                throw new IllegalArgumentException("--dtype must be float16, bfloat16 or float32, not '" + dtype + "'");
            }
        }
        if (to == null && OutputFormat.fromExtension(out) == null && !java.nio.file.Files.isDirectory(out)) {
            throw new IllegalArgumentException("cannot tell the output format from '" + out.getFileName()
                    + "': use --to pth or --to safetensors");
        }
        long shard = maxShardSize == null ? 0 : ByteSize.parse(maxShardSize);
        ConvertResult r;
        try (ProgressBar bar = progress("converting", 0, ProgressBar.Unit.BYTES)) {
            ConvertOptions options = new ConvertOptions(to == null ? null : OutputFormat.parse(to), stateDict,
                    stripPrefixes, cast, shard, force, bar);
            try {
                r = Converter.convert(in, out, options);
            } catch (NotJustTensorsException e) {
                // The library's hint speaks of its option; on the command line that option is --state-dict.
                throw new IllegalArgumentException(e.getCause().getMessage() + "; use --state-dict to write just the tensors", e);
            }
        }
        if (json) {
            printJson(stdout, r);
        } else {
            stdout.println("wrote " + r.tensors() + " tensors, " + r.bytes() + " bytes to "
                    + (r.files().size() == 1 ? r.files().get(0) : r.files().size() + " files (" + r.files().get(r.files().size() - 1) + ")"));
            if (!r.dropped().isEmpty()) stdout.println("dropped " + r.dropped().size() + " duplicate names (same tensor as a kept one): " + r.dropped());
            if (!r.copied().isEmpty()) stdout.println("copied " + r.copied().size() + " views that shared memory: " + r.copied());
        }
        stdout.flush();
        return ExitCodes.OK;
    }

    private static void printJson(PrintWriter out, ConvertResult r) throws java.io.IOException {
        JsonWriter w = new JsonWriter(out, true);
        w.beginObject();
        w.name("tensors").value(r.tensors());
        w.name("bytes").value(r.bytes());
        w.name("dropped").beginObject();
        for (Map.Entry<String, String> e : r.dropped().entrySet()) w.name(e.getKey()).value(e.getValue());
        w.endObject();
        w.name("copied").beginArray();
        for (String c : r.copied()) w.value(c);
        w.endArray();
        w.name("files").beginArray();
        for (Path p : r.files()) w.value(p.toString());
        w.endArray();
        w.name("seconds").value(Math.round(r.seconds() * 1000) / 1000.0);
        w.endObject();
        w.finish();
        out.println();
    }
}
