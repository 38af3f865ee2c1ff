package dev.torch4j.format;

import dev.torch4j.numpy.JoblibArrays;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.torchsave.legacy.PickleProtocol;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain {@code pickle.dump} file: numpy arrays, {@code _load_from_bytes} tensors, placeholders.
 * {@code joblib.dump} files are pickles too, with array bytes spliced in after joblib's wrappers:
 * the joblib hook reads those, and the file is reported as {@link Format#JOBLIB} when it had any.
 */
final class PickleFileReader {
    private PickleFileReader() {}

    static LoadedFile read(ReadContext ctx, ByteRegion bytes) throws TorchFileException {
        return read(ctx, bytes, null);
    }

    /** @param compression how the file was compressed (the bytes are already inflated), or null */
    static LoadedFile read(ReadContext ctx, ByteRegion bytes, String compression) throws TorchFileException {
        JoblibArrays joblib = new JoblibArrays(ctx.file(), folderOf(ctx.file()), ctx.options().maxEntryBytes());
        Object value = ctx.unpickle(bytes, 0, null, null, null, joblib).value();
        boolean isJoblib = joblib.arrays() > 0 || "zfile".equals(compression);
        Format format = isJoblib ? Format.JOBLIB : Format.PICKLE;
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", format.id());
        meta.put("pickle.protocol", PickleProtocol.of(bytes));
        if (compression != null) meta.put("compression", compression);
        if (isJoblib) meta.put("joblib.arrays", (long) joblib.arrays());
        return new LoadedFile(format, value, meta, null);
    }

    /** The folder of the file being read (joblib before 0.10 kept arrays in files beside it), or null. */
    private static Path folderOf(String file) {
        try {
            Path parent = Path.of(file).toAbsolutePath().getParent();
            return parent;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
