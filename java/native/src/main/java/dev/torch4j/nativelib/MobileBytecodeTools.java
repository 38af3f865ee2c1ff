package dev.torch4j.nativelib;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and lowers the bytecode version of TorchScript mobile files ({@code .ptl}, written by
 * {@code _save_for_mobile}) through libtorch's own backport code.
 *
 * <p>Bytecode versions (from {@code caffe2/serialize/versions.h}) and the PyTorch release
 * whose lite interpreter first reads each (inferred from when the introducing pull request
 * landed, not measured):
 * <table>
 *   <caption>Mobile bytecode versions</caption>
 *   <tr><th>version</th><th>change</th><th>first read by</th></tr>
 *   <tr><td>4</td><td>schema in the function tuple</td><td>1.9 or earlier</td></tr>
 *   <tr><td>5</td><td>tensors shared with the TorchScript constants</td><td>1.9 or earlier</td></tr>
 *   <tr><td>6</td><td>operator versioning by argument count (PR 56845)</td><td>1.9</td></tr>
 *   <tr><td>7</td><td>default plus out arguments (PR 63651)</td><td>1.10</td></tr>
 *   <tr><td>8</td><td>promoted operators as instructions (PR 71662)</td><td>1.11</td></tr>
 *   <tr><td>9</td><td>flatbuffer serialization (PR 75201)</td><td>1.12</td></tr>
 * </table>
 * Current releases read 4 to 9 ({@code kMinSupportedBytecodeVersion..kMaxSupportedBytecodeVersion}).
 * Measured here: PyTorch 1.13 writes v8 and its lite interpreter loads v4 to v8; the libtorch
 * 2.13 in the bytedeco jar backports v8 to 7, 6, 5 and 4 (one version at a time) and refuses 3.
 *
 * <p>Needs {@code libtorch4j_mobile} (same lookup as {@link NativeLibrary}, property
 * {@code torch4j.mobile.path}) and libtorch itself (see {@code -Dtorch4j.libtorch.dir} or
 * JavaCPP's {@code org.bytedeco:pytorch} on the class path).
 */
public final class MobileBytecodeTools {
  public static final String PATH_PROPERTY = "torch4j.mobile.path";
  static final String LIBRARY_NAME = "torch4j_mobile";

  private static volatile LoadResult result;

  private MobileBytecodeTools() {}

  public static LoadResult load() {
    LoadResult r = result;
    if (r == null) {
      synchronized (MobileBytecodeTools.class) {
        r = result;
        if (r == null) {
          r = result = loadNow();
        }
      }
    }
    return r;
  }

  private static LoadResult loadNow() {
    if (Boolean.parseBoolean(System.getProperty(NativeLoader.DISABLE_PROPERTY))) {
      return LoadResult.failed("disabled by -D" + NativeLoader.DISABLE_PROPERTY + "=true");
    }
    LoadResult libtorch = LibtorchLibraries.load();
    if (!libtorch.loaded()) {
      return libtorch;
    }
    return NativeLoader.load(LIBRARY_NAME, PATH_PROPERTY);
  }

  public static boolean isAvailable() {
    return load().loaded();
  }

  public static String unavailableReason() {
    return load().reason();
  }

  /** The bytecode version recorded in a mobile model file. */
  public static int version(Path file) throws IOException {
    requireAvailable();
    requireFile(file);
    return Math.toIntExact(nativeVersion(ReadAhead.nativePath(file)));
  }

  /**
   * Writes {@code in} lowered to bytecode {@code version} into {@code out}.
   *
   * @throws IOException when the file cannot be read or libtorch cannot lower it to that version
   */
  public static void backport(Path in, Path out, int version) throws IOException {
    requireAvailable();
    requireFile(in);
    if (version < 0) {
      throw new IllegalArgumentException("negative bytecode version " + version);
    }
    if (!nativeBackport(ReadAhead.nativePath(in), ReadAhead.nativePath(out), version)) {
      throw new IOException("libtorch could not backport " + in + " to bytecode version " + version
          + " (file version " + version(in) + ")");
    }
  }

  private static void requireAvailable() {
    LoadResult r = load();
    if (!r.loaded()) {
      throw new IllegalStateException("mobile bytecode tools unavailable: " + r.reason());
    }
  }

  private static void requireFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString());
    }
  }

  /** Paths are passed NUL-terminated in the file name encoding (see {@link ReadAhead#nativePath}). */
  private static native long nativeVersion(byte[] path);

  private static native boolean nativeBackport(byte[] in, byte[] out, long version);
}
