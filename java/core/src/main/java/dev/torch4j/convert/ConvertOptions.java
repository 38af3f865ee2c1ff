package dev.torch4j.convert;

import dev.torch4j.tensor.DType;
import dev.torch4j.ProgressListener;

import java.util.List;

/**
 * How to convert.
 *
 * @param to             output format, or null to take it from the output file's extension
 * @param stateDict      write only the state dict (Lightning {@code state_dict}, {@code {model: ...}}, module parameters...)
 * @param stripPrefixes  prefixes removed from tensor names, tried in order
 * @param dtype          floating tensors cast to this dtype, or null
 * @param maxShardSize   bytes per shard (Hugging Face layout), or 0 for one file
 * @param force          replace existing output files
 * @param progress       told about every chunk of tensor data written
 */
public record ConvertOptions(OutputFormat to, boolean stateDict, List<String> stripPrefixes, DType dtype,
                             long maxShardSize, boolean force, ProgressListener progress) {
    public ConvertOptions {
        stripPrefixes = stripPrefixes == null ? List.of() : List.copyOf(stripPrefixes);
        if (progress == null) progress = ProgressListener.NONE;
    }

    public static ConvertOptions defaults() {
        return new ConvertOptions(null, false, List.of(), null, 0, false, ProgressListener.NONE);
    }
}
