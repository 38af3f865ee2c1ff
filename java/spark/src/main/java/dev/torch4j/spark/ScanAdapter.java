package dev.torch4j.spark;

import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.format.Container;
import dev.torch4j.format.FormatDetector;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.ByteSource;
import dev.torch4j.pickle.PickleScanner;
import dev.torch4j.zip.ZipArchive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place this module touches the pickle scanner: core's {@link PickleScanner} (which walks
 * opcodes and never builds or calls anything) applied to the pickles the CLI's {@code scan}
 * looks at: every {@code *.pkl}/{@code *.debug_pkl} zip entry, the five pickles of a legacy file,
 * each pickle of a plain pickle file; the 0.1.x tar layout goes through the loader, which stops
 * at the first dangerous global. When core grows a public scanning API ({@code dev.torch4j.scan})
 * this class becomes a thin call to it; nothing else in the module changes.
 *
 * <p>Verdicts: {@code dangerous} when a global that can run code was found (this wins over read
 * errors), {@code unknown} when the scan could not read every pickle (malformed, truncated, over
 * a budget) and found nothing, {@code clean} when every pickle was read and none is dangerous.
 */
final class ScanAdapter {
    /** A dangerous global: zip entry (null outside archives), byte offset of its opcode, qualified name. */
    record Finding(String entry, long offset, String global) {}

    /** The container, every global referenced (qualified names, first-seen order), the dangerous ones, and why the scan stopped early. */
    record Result(String container, List<String> globals, List<Finding> findings, String error) {
        String verdict() {
            return !findings.isEmpty() ? "dangerous" : error != null ? "unknown" : "clean";
        }
    }

    private static final int LEGACY_PICKLES = 5;

    private ScanAdapter() {}

    static Container container(String file, ByteRegion bytes) throws TorchFileException {
        byte[] head = new byte[(int) Math.min(FormatDetector.HEAD_BYTES, bytes.size())];
        bytes.copyTo(0, head, 0, head.length);
        int last = bytes.size() == 0 ? -1 : bytes.get(bytes.size() - 1) & 0xff;
        return FormatDetector.detect(file, head, bytes.size(), last);
    }

    /** Scans the pickles of {@code bytes}; {@code reopen} gives a fresh source for the tar layout's loader. */
    static Result scan(String file, ByteRegion bytes, SourceOpener reopen) {
        Set<String> globals = new LinkedHashSet<>();
        List<Finding> findings = new ArrayList<>();
        String container = null;
        try {
            Container c = container(file, bytes);
            container = c.name().toLowerCase(java.util.Locale.ROOT);
            switch (c) {
                case ZIP -> {
                    ZipArchive zip = ZipArchive.open(file, bytes, LoadOptions.DEFAULT.maxEntryBytes());
                    for (String name : zip.names()) {
                        if (name.endsWith(".pkl") || name.endsWith(".debug_pkl")) {
                            String error = scanInARow(file, name, zip.read(name), 1, globals, findings);
                            if (error != null) return new Result(container, List.copyOf(globals), findings, error);
                        }
                    }
                }
                case LEGACY -> {
                    String error = scanInARow(file, null, bytes, LEGACY_PICKLES, globals, findings);
                    if (error != null) return new Result(container, List.copyOf(globals), findings, error);
                }
                case PICKLE -> {
                    String error = scanInARow(file, null, bytes, Integer.MAX_VALUE, globals, findings);
                    if (error != null) return new Result(container, List.copyOf(globals), findings, error);
                }
                case LEGACY_TAR -> {
                    try {
                        Torch.open(reopen.open(), file, LoadOptions.DEFAULT).close();
                    } catch (UnsafePickleException e) {
                        globals.add(e.global());
                        findings.add(new Finding(e.entry(), e.offset(), e.global()));
                    }
                }
                case SAFETENSORS -> { } // no pickle at all: nothing in it can run code
            }
            return new Result(container, List.copyOf(globals), findings, null);
        } catch (IOException | RuntimeException e) {
            return new Result(container, List.copyOf(globals), findings, Failures.message(e));
        }
    }

    /** Up to {@code count} pickles back to back from offset 0; the error that stopped the run, or null. */
    private static String scanInARow(String file, String entry, ByteRegion bytes, int count,
                                     Set<String> globals, List<Finding> findings) {
        PickleScanner scanner = new PickleScanner(file, entry);
        long start = 0;
        for (int i = 0; i < count; i++) {
            PickleScanner.Result r = scanner.scan(bytes, start);
            for (PickleScanner.GlobalRef g : r.globals()) {
                globals.add(g.qualifiedName());
                if (g.dangerous()) findings.add(new Finding(entry, g.offset(), g.qualifiedName()));
            }
            if (r.error() != null) return r.error().getMessage();
            start = r.end();
            // A plain file may hold more pickles; whatever follows the last one is not a pickle.
            if (start >= bytes.size() || (count == Integer.MAX_VALUE && bytes.get(start) != (byte) 0x80)) break;
        }
        return null;
    }

    /** Opens the file again (the tar layout is read by the loader, which owns and closes its source). */
    @FunctionalInterface
    interface SourceOpener {
        ByteSource open() throws IOException;
    }
}
