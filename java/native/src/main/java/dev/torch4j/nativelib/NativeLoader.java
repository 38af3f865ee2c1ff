package dev.torch4j.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Finds and loads one torch4j JNI library, the way zstd-jni does: an explicit file named by a
 * system property, else the copy packaged for this platform in the classifier jar, else
 * nothing. It never throws: every failure becomes a {@link LoadResult} with a reason.
 */
final class NativeLoader {
  static final String DISABLE_PROPERTY = "torch4j.native.disable";

  private NativeLoader() {}

  /**
   * @param libraryName   base name, e.g. {@code torch4j_native}
   * @param pathProperty  system property that may name the library file
   */
  static LoadResult load(String libraryName, String pathProperty) {
    try {
      if (Boolean.parseBoolean(System.getProperty(DISABLE_PROPERTY))) {
        return LoadResult.failed("disabled by -D" + DISABLE_PROPERTY + "=true");
      }
      String explicit = System.getProperty(pathProperty);
      if (explicit != null && !explicit.isBlank()) {
        Path file = Path.of(explicit).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
          return LoadResult.failed("-D" + pathProperty + " names " + file + ", which is not a file");
        }
        return systemLoad(file, "-D" + pathProperty + "=" + file);
      }
      String platform = Platform.current();
      // A CUDA build is packaged under "<platform>-cuda"; its CPU libraries serve just as well.
      for (String classifier : new String[] {platform, platform + "-cuda"}) {
        String resource = Platform.resourcePath(classifier, libraryName);
        byte[] content = LibraryCache.readResource(resource);
        if (content != null) {
          Path file = LibraryCache.extract(content, System.mapLibraryName(libraryName), version());
          return systemLoad(file, "classpath:" + resource + " -> " + file);
        }
      }
      return LoadResult.failed("no " + Platform.resourcePath(platform, libraryName) + " on the class path (add "
          + "torch4j-native-<version>-" + platform + ".jar, or set -D" + pathProperty + ")");
    } catch (IOException | RuntimeException | LinkageError e) {
      return LoadResult.failed(libraryName + " could not be loaded: " + e);
    }
  }

  private static LoadResult systemLoad(Path file, String source) {
    try {
      System.load(file.toString());
      return LoadResult.from(source);
    } catch (UnsatisfiedLinkError | SecurityException e) {
      return LoadResult.failed("loading " + file + " failed: " + e.getMessage());
    }
  }

  static String version() {
    try (InputStream in = NativeLoader.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // fall through: the content hash alone still keeps cache entries apart
    }
    return "dev";
  }
}
