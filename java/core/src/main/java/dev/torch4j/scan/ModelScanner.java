package dev.torch4j.scan;

import dev.torch4j.ErrorKind;
import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.format.ContainerFormat;
import dev.torch4j.format.ContainerFormats;
import dev.torch4j.format.HeadTail;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.io.MappedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Checks model files for anything that would run code when Python loads them, without executing
 * or importing anything. The same scan serves the {@code torch4j scan} command and any JVM service
 * that vets uploads:
 *
 * <pre>{@code
 * ScanResult r = ModelScanner.scan(Path.of("model.pt"));
 * if (r.verdict() != Verdict.CLEAN) reject(r.findings()); // default-deny: unknown is not proven safe
 * }</pre>
 *
 * Every pickle of a file is read: zip entries ({@code *.pkl}, found case-insensitively, as
 * libtorch finds records), the pickles of legacy and plain files, payloads that a pickle hands to a
 * loader ({@code torch.storage._load_from_bytes}, {@code pickle.loads}, {@code torch.load},
 * {@code numpy.load}, ...), numpy object arrays, TorchScript {@code code/} and mobile operator
 * lists. A scan never throws for bad input: a file that cannot be read completely has an error
 * (with file, entry and byte offset) and keeps what was found before it.
 */
public final class ModelScanner {
    private ModelScanner() {}

    /** Scans one file with the default budgets. */
    public static ScanResult scan(Path file) {
        return scan(file, ScanLimits.DEFAULT);
    }

    public static ScanResult scan(Path file, ScanLimits limits) {
        return scan(file, limits, false);
    }

    /**
     * @param skipOthers when the file is not a model file of any kind, return a skipped result
     *                   rather than an unreadable one (for directory walks, which meet READMEs)
     */
    public static ScanResult scan(Path file, ScanLimits limits, boolean skipOthers) {
        return scan(file, limits, skipOthers, ScanPolicy.DEFAULT);
    }

    /** As {@link #scan(Path, ScanLimits, boolean)}, accepting the globals {@code policy} allows. */
    public static ScanResult scan(Path file, ScanLimits limits, boolean skipOthers, ScanPolicy policy) {
        String name = file.toString();
        ScanSession session = new ScanSession(name, limits, policy);
        try (MappedFile bytes = MappedFile.open(file)) {
            HeadTail head = HeadTail.of(name, bytes);
            if (skipOthers && !recognized(name, head)) return new ScanResult(name, List.of(), null, true);
            session.scanContainer(bytes, head, List.of(), 0, null);
        } catch (NoSuchFileException e) {
            return new ScanResult(name, List.of(), name + ": no such file", ErrorKind.IO);
        } catch (AccessDeniedException e) {
            return new ScanResult(name, List.of(), name + ": permission denied", ErrorKind.IO);
        } catch (TorchFileException e) {
            return new ScanResult(name, session.findings(), e.getMessage(), e.kind());
        } catch (IOException | UncheckedIOException e) {
            return new ScanResult(name, session.findings(), name + ": " + message(e), kind(e));
        } catch (RuntimeException e) {
            // A scanner bug must not read as "clean": the file is reported unreadable.
            return new ScanResult(name, session.findings(), name + ": internal error while scanning: " + e, ErrorKind.CORRUPT);
        }
        return result(name, session);
    }

    /** Scans bytes held in memory ({@code name} labels the findings, as a file name would). */
    public static ScanResult scan(String name, byte[] bytes) {
        return scan(name, new HeapRegion(bytes), ScanLimits.DEFAULT);
    }

    public static ScanResult scan(String name, ByteRegion bytes, ScanLimits limits) {
        return scan(name, bytes, limits, ScanPolicy.DEFAULT);
    }

    /** Scans bytes with a user policy. */
    public static ScanResult scan(String name, ByteRegion bytes, ScanLimits limits, ScanPolicy policy) {
        ScanSession session = new ScanSession(name, limits, policy);
        try {
            session.scanContainer(bytes, List.of(), 0, null);
        } catch (RuntimeException e) {
            return new ScanResult(name, session.findings(), name + ": internal error while scanning: " + e, ErrorKind.CORRUPT);
        }
        return result(name, session);
    }

    /**
     * Scans every regular file under {@code root} (any extension; symbolic links are not followed),
     * in sorted path order, handing each result to {@code each} as it is made. A file root is
     * scanned alone.
     */
    public static List<ScanResult> scanTree(Path root, Consumer<ScanResult> each) throws IOException {
        return scanTree(root, each, 1);
    }

    /**
     * As {@link #scanTree(Path, Consumer)}, with the files scanned by {@code threads} worker threads
     * (each file is scanned by one thread; sessions share nothing). Results and {@code each} calls
     * still come in sorted path order, on the calling thread.
     */
    public static List<ScanResult> scanTree(Path root, Consumer<ScanResult> each, int threads) throws IOException {
        boolean dir = Files.isDirectory(root);
        return scanFiles(files(root), f -> dir, each, threads);
    }

    /**
     * Scans the given files with {@code threads} worker threads (each file by one thread; sessions share
     * nothing), results and {@code each} calls in the given order on the calling thread, each as soon as
     * it and all before it are done.
     *
     * @param skipOthers which files to skip quietly when they are no model file of any kind (those a
     *                   directory walk met), as {@link #scan(Path, ScanLimits, boolean)}
     */
    public static List<ScanResult> scanFiles(List<Path> files, java.util.function.Predicate<Path> skipOthers,
                                             Consumer<ScanResult> each, int threads) throws IOException {
        return scanFiles(files, skipOthers, each, threads, ScanPolicy.DEFAULT);
    }

    /** As {@link #scanFiles(List, java.util.function.Predicate, Consumer, int)}, with a user policy. */
    public static List<ScanResult> scanFiles(List<Path> files, java.util.function.Predicate<Path> skipOthers,
                                             Consumer<ScanResult> each, int threads, ScanPolicy policy) throws IOException {
        List<ScanResult> out = new ArrayList<>(files.size());
        if (threads <= 1 || files.size() <= 1) {
            for (Path f : files) {
                ScanResult r = scan(f, ScanLimits.DEFAULT, skipOthers.test(f), policy);
                out.add(r);
                if (each != null) each.accept(r);
            }
            return out;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(threads, files.size()), r -> {
                    Thread t = new Thread(r, "torch4j-scan");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<ScanResult>> pending = new ArrayList<>(files.size());
            for (Path f : files) {
                boolean skip = skipOthers.test(f);
                pending.add(pool.submit(() -> scan(f, ScanLimits.DEFAULT, skip, policy)));
            }
            for (java.util.concurrent.Future<ScanResult> fut : pending) {
                ScanResult r = join(fut);
                out.add(r);
                if (each != null) each.accept(r);
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static ScanResult join(java.util.concurrent.Future<ScanResult> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("scan interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            // scan(Path, ...) turns every failure into a result; anything else is an Error: rethrow it.
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The regular files a tree scan of {@code root} visits, sorted. */
    public static List<Path> files(Path root) throws IOException {
        if (!Files.isDirectory(root)) return List.of(root);
        try (Stream<Path> s = Files.walk(root, new FileVisitOption[0])) {
            return s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    private static ScanResult result(String name, ScanSession session) {
        TorchFileException e = session.error();
        return new ScanResult(name, session.findings(), e == null ? null : e.getMessage(), false, e == null ? null : e.kind(),
                session.checked());
    }

    /** Whether the bytes are any kind of file the scanner reads (a signature, or pickle opcodes in a file not named like text). */
    private static boolean recognized(String name, HeadTail head) {
        try {
            ContainerFormats.detect(head);
            return true;
        } catch (TorchFileException e) {
            // No signature: a stream of pickle opcodes is still what pickle.load reads.
            return ScanSession.startsWithPickleOpcode(head) && !textLike(name);
        }
    }

    /**
     * Files a directory walk meets beside models (documentation, configuration, images): not scanned
     * unless they carry a model signature, even when their first byte happens to be a pickle opcode
     * ("This model..." starts with 'T'). A model saved under such a name is scanned when named directly.
     */
    private static final java.util.Set<String> TEXT_EXTENSIONS = java.util.Set.of("md", "txt", "json", "yaml", "yml", "py",
            "cfg", "ini", "toml", "csv", "tsv", "png", "jpg", "jpeg", "gif", "bmp", "svg", "html", "htm", "css", "js",
            "sh", "rst", "log", "xml", "gitignore", "gitattributes", "ipynb", "spec");
    private static final java.util.Set<String> TEXT_NAMES = java.util.Set.of("LICENSE", "LICENCE", "NOTICE", "README",
            "COPYING", "AUTHORS", "Makefile", "Dockerfile", "CHANGELOG", "MANIFEST");

    private static boolean textLike(String name) {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        if (TEXT_NAMES.contains(base)) return true;
        int dot = base.lastIndexOf('.');
        return dot > 0 && TEXT_EXTENSIONS.contains(base.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
    }

    /** The kind of a failure that is not a TorchFileException: the OS failing ({@code IO}) or a bug of ours. */
    private static ErrorKind kind(Exception e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t instanceof dev.torch4j.Torch4jFailure f) return f.kind();
        return t instanceof IOException ? ErrorKind.IO : ErrorKind.CORRUPT;
    }

    private static String message(Exception e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) return message(u.getCause());
        if (e instanceof TorchFileException) return e.getMessage();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
