package dev.torch4j.spark;

import dev.torch4j.json.Json;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The files a job reads: each given file, and every file under each given directory, recursively,
 * skipping names that start with {@code .} or {@code _} (Hadoop's and Spark's hidden and
 * bookkeeping files, {@code .crc} checksums among them). Which of them are checkpoints is decided
 * by content, not by extension.
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
