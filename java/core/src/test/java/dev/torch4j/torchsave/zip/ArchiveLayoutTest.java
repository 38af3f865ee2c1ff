package dev.torch4j.torchsave.zip;

import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.testing.HostileBytes;
import dev.torch4j.zip.ZipArchive;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The root folder found by looking the records up in each folder is the one a pass over every name
 * in order finds (PyTorch's archives name it after the file, so it is found from the records).
 */
class ArchiveLayoutTest {
    private static final String[] FOLDERS = {"", "archive/", "Archive/", "model.scr/", "a/", "a/b/", "a/b/c/", "x&y/"};
    private static final String[] LEAVES = {"data.pkl", "DATA.PKL", "bytecode.pkl", "constants.pkl", "model.json",
        "version", "data/0", "data/1", "code/m.py", "xdata.pkl", "data.pkl.bak"};

    @Test void lookupsPerFolderAgreeWithAPassOverEveryName() throws Exception {
        Random random = new Random(7);
        int compared = 0;
        int refused = 0;
        for (int trial = 0; trial < 600; trial++) {
            Set<String> names = new LinkedHashSet<>();
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) names.add(FOLDERS[random.nextInt(FOLDERS.length)] + LEAVES[random.nextInt(LEAVES.length)]);
            ZipArchive zip;
            try {
                zip = ZipArchive.open("t" + trial + ".zip", new HeapRegion(HostileBytes.javaZip(names)), Long.MAX_VALUE);
            } catch (TorchFileException ambiguous) {
                refused++; // names that differ only in letter case: refused before any layout is looked for
                continue;
            }
            String byScan;
            try {
                byScan = ArchiveLayout.rootPrefixByScan(zip);
            } catch (TorchFileException none) {
                TorchFileException e = assertThrows(TorchFileException.class, () -> ArchiveLayout.rootPrefix(zip), names.toString());
                assertEquals(none.getMessage(), e.getMessage());
                continue;
            }
            assertEquals(byScan, ArchiveLayout.rootPrefix(zip), names.toString());
            compared++;
        }
        assertEquals(true, compared > 300 && refused > 10, compared + " compared, " + refused + " refused");
    }
}
