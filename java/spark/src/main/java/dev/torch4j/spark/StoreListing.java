package dev.torch4j.spark;

import dev.torch4j.json.Json;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The files a job reads: each given file, and every file under each given directory, recursively,
 * skipping names that start with {@code .} or {@code _} (Hadoop's and Spark's hidden and
 * bookkeeping files, {@code .crc} checksums among them). Which of them are checkpoints is decided
 * by content, not by extension.
 *
 * <p>A store on the local file system is walked with {@code java.nio}, not Hadoop's
 * {@code listFiles}: without Hadoop's native library (Spark ships none) every listed local file
 * costs a forked {@code ls -ld} for its permissions, which a listing has no use for (about 10 ms of
 * CPU a file, more than scanning it). Hadoop's listing stays for every other file system.
 */
final class StoreListing {
    /** A file and its length, as the file system lists it. */
    record StoreFile(String file, long size) {}

    private StoreListing() {}

    /** The paths of {@code load(path)} ({@code path}) or {@code load(paths...)} ({@code paths}, a JSON array). */
    static List<String> paths(CaseInsensitiveStringMap options) {
        List<String> out = new ArrayList<>();
        String path = options.get("path");
        if (path != null) out.add(path);
        String paths = options.get("paths");
        if (paths != null) {
            try {
                for (Object o : (List<?>) Json.parse(paths)) out.add((String) o);
            } catch (RuntimeException | dev.torch4j.json.JsonException e) {
                throw new IllegalArgumentException("option paths: expected a JSON array of strings, got " + paths);
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("torch4j: no path given; use load(path) or load(paths...)");
        return out;
    }

    static List<StoreFile> list(List<String> paths, Configuration conf, FileFilter filter) {
        List<StoreFile> out = new ArrayList<>();
        for (String p : paths) {
            try {
                Path root = new Path(p);
                FileSystem fs = root.getFileSystem(conf);
                if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
                    listLocal(fs.makeQualified(root), out, filter);
                    continue;
                }
                FileStatus status = fs.getFileStatus(root);
                if (status.isFile()) {
                    add(out, status, filter);
                    continue;
                }
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
                while (it.hasNext()) {
                    LocatedFileStatus s = it.next();
                    if (!hidden(root, s.getPath())) add(out, s, filter);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(p + ": cannot list: " + e.getMessage(), e);
            }
        }
        out.sort(Comparator.comparing(StoreFile::file));
        return out;
    }

    /**
     * The local walk: symbolic links followed (as Hadoop's local listing does), hidden folders under
     * the root not entered, each file named as Hadoop names it ({@code file:/...}).
     */
    private static void listLocal(Path root, List<StoreFile> out, FileFilter filter) throws IOException {
        java.nio.file.Path start = java.nio.file.Path.of(root.toUri());
        if (!Files.exists(start)) throw new java.io.FileNotFoundException("File " + root + " does not exist");
        Files.walkFileTree(start, java.util.EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override public FileVisitResult preVisitDirectory(java.nio.file.Path dir, BasicFileAttributes attrs) {
                        return !dir.equals(start) && hiddenName(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attrs) {
                        if (file.equals(start) || !hiddenName(file)) {
                            String name = new Path(file.toUri()).toString();
                            if (filter.acceptsFile(name)) out.add(new StoreFile(name, attrs.size()));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override public FileVisitResult visitFileFailed(java.nio.file.Path file, IOException e) throws IOException {
                        if (e instanceof java.nio.file.FileSystemLoopException) return FileVisitResult.SKIP_SUBTREE; // a link back up
                        throw e;
                    }
                });
    }

    private static boolean hiddenName(java.nio.file.Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(".") || n.startsWith("_");
    }

    private static void add(List<StoreFile> out, FileStatus s, FileFilter filter) {
        String file = s.getPath().toString();
        if (filter.acceptsFile(file)) out.add(new StoreFile(file, s.getLen()));
    }

    /** Hidden below the root: any path segment under it starting with "." or "_". */
    private static boolean hidden(Path root, Path file) {
        for (Path p = file; p != null && p.depth() > root.depth(); p = p.getParent()) {
            String n = p.getName();
            if (n.startsWith(".") || n.startsWith("_")) return true;
        }
        return false;
    }
}
