package dev.torch4j.nativelib;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * float16/bfloat16 to float32 on a CUDA GPU ({@code libtorch4j_cuda}, built with
 * {@code -DTORCH4J_CUDA=ON}). Input is streamed from host memory through two pinned staging
 * buffers on two CUDA streams, so copying one chunk overlaps converting the previous one.
 * Results equal {@link NativeConversions}' bit for bit. The library is found like
 * {@link NativeLibrary}'s, with property {@code torch4j.cuda.path}; without a library, driver
 * or device {@link #isAvailable()} is false and {@link #unavailableReason()} says which.
 */
public final class CudaConversions {
  public static final String PATH_PROPERTY = "torch4j.cuda.path";
  static final String LIBRARY_NAME = "torch4j_cuda";
  /** Elements per staging buffer (8 MiB of float16). */
  public static final long DEFAULT_CHUNK = 4L << 20;

  private static volatile LoadResult result;

  private CudaConversions() {}

  public static LoadResult load() {
    LoadResult r = result;
    if (r == null) {
      synchronized (CudaConversions.class) {
        r = result;
        if (r == null) {
          r = result = probe(NativeLoader.load(LIBRARY_NAME, PATH_PROPERTY));
        }
      }
    }
    return r;
  }

  private static LoadResult probe(LoadResult loaded) {
    if (!loaded.loaded()) {
      return loaded;
    }
    try {
      String reason = nativeProbe();
      return reason == null ? loaded : LoadResult.failed(reason);
    } catch (LinkageError e) {
      return LoadResult.failed(loaded.source() + " does not provide the torch4j CUDA entry points: " + e);
    }
  }

  public static boolean isAvailable() {
    return load().loaded();
  }

  public static String unavailableReason() {
    return load().reason();
  }

  /**
   * Converts {@code count} float16 ({@link Conversion#FLOAT16_TO_FLOAT32}) or bfloat16
   * ({@link Conversion#BFLOAT16_TO_FLOAT32}) elements from {@code src} into {@code dst} on the GPU.
   * Both buffers are direct; positions are used and left unchanged.
   */
  public static void convert(Conversion conversion, ByteBuffer src, ByteBuffer dst, int count, long chunkElements) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    int op = switch (conversion) {
      case FLOAT16_TO_FLOAT32 -> 0;
      case BFLOAT16_TO_FLOAT32 -> 1;
      default -> throw new IllegalArgumentException(conversion + " has no CUDA kernel");
    };
    if (!src.isDirect() || !dst.isDirect()) {
      throw new IllegalArgumentException("CUDA transfers need direct buffers");
    }
    if (count < 0 || 2L * count > src.remaining() || 4L * count > dst.remaining()) {
      throw new IndexOutOfBoundsException("count " + count + " does not fit the buffers");
    }
    if (chunkElements <= 0) {
      throw new IllegalArgumentException("chunk must be positive");
    }
    LoadResult r = load();
    if (!r.loaded()) {
      throw new IllegalStateException("CUDA conversions unavailable: " + r.reason());
    }
    nativeConvert(op, src, src.position(), dst, dst.position(), count, chunkElements);
  }

  /** @return null when a device is usable, else why not */
  private static native String nativeProbe();

  private static native void nativeConvert(int op, ByteBuffer src, long srcOffset, ByteBuffer dst, long dstOffset,
      long count, long chunk);
}
