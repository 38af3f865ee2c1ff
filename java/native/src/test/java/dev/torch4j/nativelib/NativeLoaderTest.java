package dev.torch4j.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's resolution order and its fallbacks; none of them may throw. */
class NativeLoaderTest {
  @TempDir
  Path tmp;

  @Test
  void disablePropertyForcesTheFallback() {
    assumeTrue(Boolean.getBoolean(NativeLibrary.DISABLE_PROPERTY), "only in the fallback run");
    assertFalse(NativeLibrary.isAvailable());
    assertTrue(NativeLibrary.unavailableReason().contains("torch4j.native.disable"), NativeLibrary.unavailableReason());
    assertFalse(MobileBytecodeTools.isAvailable());
    assertFalse(CudaConversions.isAvailable());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> NativeConversions.float16ToFloat32(new short[1], 0, new float[1], 0, 1));
    assertTrue(e.getMessage().contains("unavailable"), e.getMessage());
  }

  @Test
  void packagedLibraryIsExtractedFromTheClassPath() {
    assumeTrue(Boolean.getBoolean("torch4j.native.expected") && !Boolean.getBoolean(NativeLibrary.DISABLE_PROPERTY),
        "only where the build produced the library");
    LoadResult r = NativeLibrary.load();
    assertTrue(r.loaded(), r::reason);
    assertTrue(r.source().startsWith("classpath:/native/" + Platform.current() + "/"), r.source());
    assertEquals(r, NativeLibrary.load());  // loaded once, same outcome afterwards
  }

  @Test
  void missingResourceIsReportedNotThrown() {
    assumeTrue(!Boolean.getBoolean(NativeLibrary.DISABLE_PROPERTY));
    LoadResult r = NativeLoader.load("torch4j_no_such_library", "torch4j.test.unset");
    assertFalse(r.loaded());
    assertTrue(r.reason().contains("/native/" + Platform.current() + "/"), r.reason());
  }

  @Test
  void explicitPathThatIsNotAFileIsReported() {
    String key = "torch4j.test.path." + System.nanoTime();
    System.setProperty(key, tmp.resolve("absent.so").toString());
    try {
      LoadResult r = NativeLoader.load("torch4j_native", key);
      assumeTrue(!Boolean.getBoolean(NativeLibrary.DISABLE_PROPERTY));
      assertFalse(r.loaded());
      assertTrue(r.reason().contains("not a file"), r.reason());
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void explicitPathToAFileThatIsNoLibraryIsReported() throws Exception {
    assumeTrue(!Boolean.getBoolean(NativeLibrary.DISABLE_PROPERTY));
    // Not ELF at all. (HotSpot prints an executable-stack warning for it; a truncated real ELF
    // would be worse: ld.so maps past the end of the file and the JVM dies of SIGBUS, which is
    // why LibraryCache verifies the content hash before reusing a cached copy.)
    Path bogus = Files.writeString(tmp.resolve("libbogus.so"), "not a library");
    String key = "torch4j.test.path." + System.nanoTime();
    System.setProperty(key, bogus.toString());
    try {
      LoadResult r = NativeLoader.load("torch4j_native", key);
      assertFalse(r.loaded());
      assertTrue(r.reason().startsWith("loading " + bogus.toAbsolutePath()), r.reason());
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void classifiersFollowTheBytedecoNames() {
    assertEquals("linux-x86_64", Platform.classifier("Linux", "amd64"));
    assertEquals("linux-arm64", Platform.classifier("Linux", "aarch64"));
    assertEquals("macosx-arm64", Platform.classifier("Mac OS X", "aarch64"));
    assertEquals("macosx-x86_64", Platform.classifier("Mac OS X", "x86_64"));
    assertEquals("windows-x86_64", Platform.classifier("Windows 11", "amd64"));
    assertEquals("/native/linux-x86_64/" + System.mapLibraryName("torch4j_native"),
        Platform.resourcePath("linux-x86_64", "torch4j_native"));
  }

  @Test
  void cacheReusesIntactCopiesAndReplacesDamagedOnes() throws Exception {
    String key = LibraryCache.CACHE_PROPERTY;
    String previous = System.getProperty(key);
    System.setProperty(key, tmp.toString());
    try {
      byte[] content = "library bytes".getBytes();
      Path first = LibraryCache.extract(content, "libx.so", "1.0");
      assertTrue(first.startsWith(tmp.resolve("1.0")), first.toString());
      assertEquals(first, LibraryCache.extract(content, "libx.so", "1.0"));
      Files.writeString(first, "tampered");
      assertEquals(first, LibraryCache.extract(content, "libx.so", "1.0"));
      assertEquals("library bytes", Files.readString(first));
      Path other = LibraryCache.extract("other build".getBytes(), "libx.so", "1.0");
      assertNotEquals(first.getParent(), other.getParent());
    } finally {
      if (previous == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, previous);
      }
    }
  }
}
