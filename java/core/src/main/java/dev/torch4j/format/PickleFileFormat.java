package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.numpy.JoblibArrays;
import dev.torch4j.numpy.JoblibCompression;
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
final class PickleFileFormat implements ContainerFormat {
    /** Opcodes a protocol 0/1 pickle can start with (no PROTO opcode before protocol 2). */
    private static final String TEXT_PICKLE_STARTS = "(cdl}])NIFLSVGJKMTUXiqhgp\u0088\u0089";

    @Override public String name() { return "pickle"; }

    @Override public Format format() { return Format.PICKLE; }

    /**
     * A binary pickle starts with PROTO; a text one (protocol 0 or 1) with one of its opcodes, and
     * ends with STOP. lzma data starts with ']' (EMPTY_LIST) too, but a pickle never continues with 0x00.
     */
    @Override public boolean recognises(HeadTail head) throws TorchFileException {
        if (binaryProtocol(head) >= 0) return true;
        return TEXT_PICKLE_STARTS.indexOf((char) head.at(0)) >= 0 && head.lastByte() == '.'
                && !"lzma".equals(JoblibCompression.detect(head.head()));
    }

    /**
     * The protocol of a file starting with PROTO ({@code 0x80}), or -1 for one that does not;
     * a protocol past 5 is refused, quoting the bytes.
     */
    static int binaryProtocol(HeadTail head) throws TorchFileException {
        if (head.at(0) != 0x80) return -1;
        int protocol = head.at(1);
        if (protocol > 5) {
            throw head.error(ErrorKind.UNSUPPORTED, 1, "unsupported pickle protocol " + protocol + " (not a PyTorch file?): " + head.describe(16));
        }
        return protocol;
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return readPickle(ctx, bytes, null);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        scan.pickles(bytes, 0, ContainerScan.ALL, true);
    }

    /** @param compression how the file was compressed (the bytes are already inflated), or null */
    static LoadedFile readPickle(ReadContext ctx, ByteRegion bytes, String compression) throws TorchFileException {
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
