package dev.torch4j.pt2;

import dev.torch4j.io.HeapRegion;
import dev.torch4j.testing.HostileBytes;
import dev.torch4j.zip.ZipArchive;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The .pt2 root found by looking its record up in each folder is the one a pass over every name finds. */
class Pt2LayoutRootTest {
    private static final String[] FOLDERS = {"", "archive/", "model/", "ab/", "a/b/", "x/"};
    private static final String[] LEAVES = {"archive_format", Pt2Layout.EXPORT_PROGRAM, "Archive_format", "xarchive_format",
        "data/0", "models/model.json", "version"};

    @Test void lookupsPerFolderAgreeWithAPassOverEveryName() throws Exception {
        Random random = new Random(11);
        int found = 0;
        for (int trial = 0; trial < 600; trial++) {
            Set<String> names = new LinkedHashSet<>();
            int n = 1 + random.nextInt(7);
            for (int i = 0; i < n; i++) names.add(FOLDERS[random.nextInt(FOLDERS.length)] + LEAVES[random.nextInt(LEAVES.length)]);
            ZipArchive zip = ZipArchive.openAll("t.zip", new HeapRegion(HostileBytes.javaZip(names)), Long.MAX_VALUE);
            for (String record : new String[] {"archive_format", Pt2Layout.EXPORT_PROGRAM}) {
                String byScan = Pt2Layout.shortestRootByScan(zip, record);
                assertEquals(byScan, Pt2Layout.shortestRoot(zip, record), record + " in " + names);
                if (byScan != null) found++;
            }
        }
        assertEquals(true, found > 300, found + " roots found");
    }
}
