package dev.torch4j.zip;

import dev.torch4j.io.HeapRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** The central directory as the JDK's own zip reader lists it, read whole or through a small sliding window. */
class ZipDirectoryTest {
    @Test void readsWhatJavaUtilZipListsWholeOrThroughASlidingWindow(@TempDir Path tmp) throws Exception {
        // Long names, extra fields and comments (up to ~60 KB) make headers of very different sizes, so
        // a window of one maximal header slides many times and headers straddle its end.
        Random random = new Random(28);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (int i = 0; i < 3_000; i++) {
                ZipEntry e = new ZipEntry("archive/data/" + i + "x".repeat(random.nextInt(i % 97 == 0 ? 4_000 : 40)));
                e.setMethod(i % 3 == 0 ? ZipEntry.STORED : ZipEntry.DEFLATED);
                byte[] data = new byte[random.nextInt(300)];
                random.nextBytes(data);
                if (e.getMethod() == ZipEntry.STORED) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(data);
                    e.setSize(data.length);
                    e.setCompressedSize(data.length);
                    e.setCrc(crc.getValue());
                }
                if (i % 50 == 0) {
                    byte[] extra = new byte[4 + random.nextInt(2_000)];
                    extra[0] = (byte) 0xCA; // a private header id
                    extra[1] = (byte) 0xFE;
                    extra[2] = (byte) (extra.length - 4);
                    extra[3] = (byte) ((extra.length - 4) >> 8);
                    e.setExtra(extra);
                }
                if (i % 211 == 0) e.setComment("c".repeat(random.nextInt(60_000)));
                out.putNextEntry(e);
                out.write(data);
                out.closeEntry();
            }
        }
        Path file = tmp.resolve("many.zip");
        Files.write(file, bytes.toByteArray());

        List<String> expected = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                expected.add(e.getName() + " " + e.getMethod() + " " + e.getSize() + " " + e.getCompressedSize());
            }
        }
        HeapRegion region = new HeapRegion(bytes.toByteArray());
        for (int window : new int[] {ZipDirectory.WINDOW, ZipDirectory.MAX_HEADER, ZipDirectory.MAX_HEADER + 4_097}) {
            List<String> read = new ArrayList<>();
            for (ZipArchive.Entry e : ZipDirectory.read("many.zip", region, window)) {
                read.add(e.name() + " " + e.method() + " " + e.size() + " " + e.compressedSize());
            }
            assertEquals(expected, read, "window of " + window + " bytes");
        }
        assertThrows(IllegalArgumentException.class, () -> ZipDirectory.read("many.zip", region, ZipDirectory.MAX_HEADER - 1));
    }

    @Test void foldersHoldingEntriesAreThoseJavaUtilZipListsNamesUnder(@TempDir Path tmp) throws Exception {
        // Grouped and interleaved folders, nesting, upper case, a directory entry with nothing under it.
        String[] names = {"archive/data.pkl", "archive/data/0", "archive/data/1", "archive/code/__torch__/m.py",
            "archive/data/2", "Archive/Other/x", "top.txt", "archive/constants/0", "empty/", "a/b/c/d/e",
            "archive/data/3", "archive/code/__torch__/n.py", "a/b/f"};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (String name : names) {
                out.putNextEntry(new ZipEntry(name));
                out.closeEntry();
            }
        }
        Path file = Files.write(tmp.resolve("folders.zip"), bytes.toByteArray());
        List<String> listed = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                if (!e.isDirectory()) listed.add(e.getName());
            }
        }
        String[] asked = {"archive/", "archive/data/", "archive/code/", "archive/code/__torch__/", "archive/bytecode/",
            "Archive/", "Archive/Other/", "archive/other/", "a/", "a/b/", "a/b/c/", "a/b/c/d/", "a/b/c/d/e/", "empty/",
            "data/", "archive/data/0/", "rchive/", "/"};
        HeapRegion region = new HeapRegion(bytes.toByteArray());
        for (ZipArchive zip : new ZipArchive[] {ZipArchive.open("folders.zip", region, Long.MAX_VALUE),
            ZipArchive.openAll("folders.zip", region, Long.MAX_VALUE)}) {
            for (String folder : asked) {
                boolean expected = listed.stream().anyMatch(n -> n.startsWith(folder));
                assertEquals(expected, zip.hasEntriesUnder(folder), folder);
            }
            assertThrows(IllegalArgumentException.class, () -> zip.hasEntriesUnder("archive"));
        }
    }

    @Test void aNameOfThousandsOfFoldersCostsOneFolder() throws Exception {
        // Every ancestor of a 60,000-character name of "a/" would be 30,000 strings of 30 KB on average.
        String deep = "a/".repeat(30_000) + "x";
        byte[] zip = dev.torch4j.testing.HostileBytes.javaZip(List.of(deep, "top.txt"));
        ZipArchive archive = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> ZipArchive.open("deep.zip", new HeapRegion(zip), Long.MAX_VALUE));
        assertEquals(java.util.Set.of(deep.substring(0, deep.length() - 1)), archive.folders());
        assertTrue(archive.hasEntriesUnder("a/"));
        assertTrue(archive.hasEntriesUnder("a/".repeat(29_999)));
        assertFalse(archive.hasEntriesUnder("b/"));
    }
}
