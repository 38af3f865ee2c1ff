package dev.torch4j.nativelib;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Read-ahead hints for tensor data: {@code madvise} on a mapped buffer's range and
 * {@code posix_fadvise} on a file. Hints are optional by nature, so these return whether the
 * kernel accepted them instead of throwing when it did not.
 */
public final class ReadAhead {
  private ReadAhead() {}

  /**
   * Advises the kernel about bytes {@code [offset, offset + length)} of a direct (typically
   * memory-mapped) buffer. The range is widened to whole pages.
   *
   * @return 0 on success, else the OS error number (see {@link #describe(int)})
   */
  public static int advise(ByteBuffer mapped, long offset, long length, ReadAdvice advice) {
    Objects.requireNonNull(advice, "advice");
    if (!mapped.isDirect()) {
      throw new IllegalArgumentException("read-ahead hints need a direct (mapped) buffer");
    }
    Objects.checkFromIndexSize(offset, length, mapped.capacity());
    NativeLibrary.requireAvailable();
    return NativeKernels.adviseMemory(mapped, offset, length, advice.ordinal());
  }

  /**
   * Advises the kernel about bytes {@code [offset, offset + length)} of a file
   * ({@code length == 0} means to the end). Linux only; elsewhere returns ENOSYS.
   */
  public static int adviseFile(Path file, long offset, long length, ReadAdvice advice) {
    Objects.requireNonNull(advice, "advice");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    NativeLibrary.requireAvailable();
    return NativeKernels.adviseFile(nativePath(file), offset, length, advice.ordinal());
  }

  /** The OS's text for an error number returned above. */
  public static String describe(int errno) {
    NativeLibrary.requireAvailable();
    return NativeKernels.errorMessage(errno);
  }

  public static int pageSize() {
    NativeLibrary.requireAvailable();
    return NativeKernels.pageSize();
  }

  /** File names reach the OS in the JVM's file name encoding, NUL-terminated. */
  static byte[] nativePath(Path file) {
    String encoding = System.getProperty("sun.jnu.encoding");
    Charset cs = encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding) : Charset.defaultCharset();
    byte[] bytes = file.toAbsolutePath().toString().getBytes(cs);
    return Arrays.copyOf(bytes, bytes.length + 1);
  }
}
