package dev.torch4j.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.StringEndsWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The local walk names the same files, with the same strings and sizes, as Hadoop's own recursive
 * listing of the same tree (less the hidden names, which the store never lists).
 */
class StoreListingTest {
    @TempDir java.nio.file.Path tmp;

    @Test void localWalkListsWhatHadoopListsNamedAsHadoopNamesThem() throws Exception {
        write("top.pt", 10);
        write("a b/with space.pt", 21);
        write("a b/per%20cent #hash.bin", 3);
        write("deep/er/ünïcode.pt", 7);
        write("deep/er/empty", 0);
        write(".hidden/skipped.pt", 5);
        write("deep/_temporary/skipped.pt", 5);
        write("deep/.skipped.crc", 5);
        write("deep/_SUCCESS", 0);
        Files.createDirectories(tmp.resolve("empty-folder"));
        Files.createSymbolicLink(tmp.resolve("linked"), tmp.resolve("deep/er")); // followed, as Hadoop follows it

        Configuration conf = new Configuration();
        List<StoreListing.StoreFile> listed = StoreListing.list(List.of(tmp.toString()), conf, new FileFilter(new Filter[0]));
        List<StoreListing.StoreFile> hadoop = hadoopListing(new Path(tmp.toUri()), conf);
        assertEquals(hadoop, listed);
        assertEquals(7, listed.size(), listed.toString()); // 5 files, 2 again through the link
        assertTrue(listed.stream().allMatch(f -> f.file().startsWith("file:/")), listed.toString());

        // a single file given as the path: listed itself; filters on names still apply
        String one = tmp.resolve("a b/with space.pt").toString();
        assertEquals(List.of(new StoreListing.StoreFile(new Path(tmp.resolve("a b/with space.pt").toUri()).toString(), 21)),
                StoreListing.list(List.of(one), conf, new FileFilter(new Filter[0])));
        List<StoreListing.StoreFile> pt = StoreListing.list(List.of(tmp.toString()), conf,
                new FileFilter(new Filter[]{new StringEndsWith("file", ".pt")}));
        assertEquals(hadoop.stream().filter(f -> f.file().endsWith(".pt")).toList(), pt);
    }

    @Test void aMissingPathIsAnErrorNamingIt() {
        String missing = tmp.resolve("nothing-here").toString();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> StoreListing.list(List.of(missing), new Configuration(), new FileFilter(new Filter[0])));
        assertTrue(e.getMessage().startsWith(missing + ": cannot list"), e.getMessage());
    }

    private void write(String relative, int bytes) throws Exception {
        java.nio.file.Path p = tmp.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
    }

    /** Hadoop's recursive listing, hidden names below the root dropped as the store drops them. */
    private static List<StoreListing.StoreFile> hadoopListing(Path root, Configuration conf) throws Exception {
        FileSystem fs = root.getFileSystem(conf);
        List<StoreListing.StoreFile> out = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        String prefix = fs.makeQualified(root).toString();
        while (it.hasNext()) {
            LocatedFileStatus s = it.next();
            String name = s.getPath().toString();
            String below = "/" + name.substring(prefix.length()); // the prefix may end with "/"
            if (below.contains("/.") || below.contains("/_")) continue;
            out.add(new StoreListing.StoreFile(name, s.getLen()));
        }
        out.sort(Comparator.comparing(StoreListing.StoreFile::file));
        return out;
    }
}
