package dev.torch4j.nativelib;

/**
 * Entry point of the optional CPU fast paths ({@code libtorch4j_native}). The library is
 * looked for, in order, at:
 * <ol>
 *   <li>the file named by {@code -Dtorch4j.native.path=...};</li>
 *   <li>{@code /native/<platform>/} on the class path (the
 *       {@code torch4j-native-<version>-<platform>.jar}), extracted to a private cache;</li>
 * </ol>
 * and otherwise torch4j runs on its pure-Java code: {@link #isAvailable()} is false and
 * {@link #unavailableReason()} says why. {@code -Dtorch4j.native.disable=true} forces that
 * fallback. Probing never throws.
 */
public final class NativeLibrary {
  public static final String PATH_PROPERTY = "torch4j.native.path";
  public static final String DISABLE_PROPERTY = NativeLoader.DISABLE_PROPERTY;
  static final String LIBRARY_NAME = "torch4j_native";

  private static volatile LoadResult result;

  private NativeLibrary() {}

  /** Loads the library once per class loader and returns the outcome. */
  public static LoadResult load() {
    LoadResult r = result;
    if (r == null) {
      synchronized (NativeLibrary.class) {
        r = result;
        if (r == null) {
          r = result = linkCheck(NativeLoader.load(LIBRARY_NAME, PATH_PROPERTY));
        }
      }
    }
    return r;
  }

  public static boolean isAvailable() {
    return load().loaded();
  }

  /** Why the fast paths are off, or {@code null} when they are on. */
  public static String unavailableReason() {
    return load().reason();
  }

  static void requireAvailable() {
    LoadResult r = load();
    if (!r.loaded()) {
      throw new IllegalStateException("torch4j native library unavailable: " + r.reason());
    }
  }

  /** A loaded file that lacks our entry points (wrong version, wrong file) counts as absent. */
  private static LoadResult linkCheck(LoadResult loaded) {
    if (!loaded.loaded()) {
      return loaded;
    }
    try {
      NativeKernels.isaActive();
      return loaded;
    } catch (LinkageError e) {
      return LoadResult.failed(loaded.source() + " does not provide the torch4j entry points: " + e);
    }
  }
}
