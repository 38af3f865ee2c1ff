package dev.torch4j.nativelib;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Native fast paths for dtype conversion and byte swapping. Results are bit-identical to a
 * plain scalar implementation on every CPU path:
 * <ul>
 *   <li>float16, bfloat16, float8 e4m3fn/e5m2 to float32 are exact. float16/e5m2 NaNs come out
 *       quiet with their payload shifted up; bfloat16 NaNs keep their bits; e4m3fn NaN gives
 *       {@code sign | 0x7FF00000}.</li>
 *   <li>float32 to float16/bfloat16 rounds to nearest, ties to even, overflowing to infinity.
 *       NaNs become what PyTorch 1.13's {@code Tensor.to()} writes on x86: float16
 *       {@code sign | 0x7E00}, bfloat16 {@code 0xFFFF}.</li>
 * </ul>
 * Elements are read and written in the platform's native byte order (little-endian on every
 * supported platform), regardless of a buffer's {@code order()}; use {@link #swapBytes} first
 * for foreign data. Buffer methods work from {@code position()} and leave positions unchanged.
 * Every method throws {@link IllegalStateException} when {@link NativeLibrary#isAvailable()} is false.
 */
public final class NativeConversions {
  /** Elements per JNI call on heap arrays: bounds the time the GC waits on a critical section. */
  private static final int ARRAY_CHUNK = 1 << 20;
  /** Elements per JNI call from a direct buffer: page faults on a mapping may stall the copy. */
  private static final int BUFFER_CHUNK = 1 << 18;

  private NativeConversions() {}

  /** Converts {@code count} elements from {@code src} to {@code dst}; buffers must not overlap. */
  public static void convert(Conversion conversion, ByteBuffer src, ByteBuffer dst, int count) {
    Objects.requireNonNull(conversion, "conversion");
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    if (count < 0) {
      throw new IllegalArgumentException("negative count " + count);
    }
    long inBytes = (long) count * conversion.inputSize();
    long outBytes = (long) count * conversion.outputSize();
    if (inBytes > src.remaining()) {
      throw new IndexOutOfBoundsException(count + " elements need " + inBytes + " source bytes, "
          + src.remaining() + " remain");
    }
    if (outBytes > dst.remaining()) {
      throw new IndexOutOfBoundsException(count + " elements need " + outBytes + " destination bytes, "
          + dst.remaining() + " remain");
    }
    if (dst.isReadOnly()) {
      throw new ReadOnlyBufferException();
    }
    NativeLibrary.requireAvailable();
    int op = conversion.ordinal();
    if (src.isDirect() && dst.isDirect()) {
      NativeKernels.convertBuffers(op, src, src.position(), dst, dst.position(), count);
    } else if (!src.isDirect() && src.hasArray() && !dst.isDirect() && dst.hasArray()) {
      convertArrays(conversion, src.array(), src.arrayOffset() + src.position(),
          dst.array(), dst.arrayOffset() + dst.position(), count);
    } else {
      convertStaged(conversion, src, dst, count);
    }
  }

  /**
   * Mixed or read-only heap buffers (e.g. {@code ByteRegion.slice} of heap bytes) expose no
   * array, so their bytes are staged through bounded temporary arrays.
   */
  private static void convertStaged(Conversion c, ByteBuffer src, ByteBuffer dst, int count) {
    int chunk = Math.min(count, 1 << 16);
    byte[] in = new byte[chunk * c.inputSize()];
    byte[] out = new byte[chunk * c.outputSize()];
    ByteBuffer from = src.duplicate();
    ByteBuffer to = dst.duplicate();
    for (int done = 0; done < count; ) {
      int n = Math.min(chunk, count - done);
      from.get(in, 0, n * c.inputSize());
      convertArrays(c, in, 0, out, 0, n);
      to.put(out, 0, n * c.outputSize());
      done += n;
    }
  }

  /** Reverses the bytes of every whole element in {@code buffer}'s remaining bytes, in place. */
  public static void swapBytes(ByteBuffer buffer, int elementSize) {
    Conversion swap = Conversion.swapBytes(elementSize);
    convertInPlace(swap, buffer, buffer.remaining() / elementSize);
  }

  private static void convertInPlace(Conversion swap, ByteBuffer buffer, int count) {
    if (buffer.isReadOnly()) {
      throw new ReadOnlyBufferException();
    }
    NativeLibrary.requireAvailable();
    if (buffer.isDirect()) {
      NativeKernels.convertBuffers(swap.ordinal(), buffer, buffer.position(), buffer, buffer.position(), count);
    } else {
      int offset = buffer.arrayOffset() + buffer.position();
      convertArrays(swap, buffer.array(), offset, buffer.array(), offset, count);
    }
  }

  public static void float16ToFloat32(short[] src, int srcOffset, float[] dst, int dstOffset, int count) {
    checkArrays(src.length, srcOffset, dst.length, dstOffset, count);
    convertArrays(Conversion.FLOAT16_TO_FLOAT32, src, srcOffset * 2L, dst, dstOffset * 4L, count);
  }

  public static void bfloat16ToFloat32(short[] src, int srcOffset, float[] dst, int dstOffset, int count) {
    checkArrays(src.length, srcOffset, dst.length, dstOffset, count);
    convertArrays(Conversion.BFLOAT16_TO_FLOAT32, src, srcOffset * 2L, dst, dstOffset * 4L, count);
  }

  public static void float8E4m3fnToFloat32(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
    checkArrays(src.length, srcOffset, dst.length, dstOffset, count);
    convertArrays(Conversion.FLOAT8_E4M3FN_TO_FLOAT32, src, srcOffset, dst, dstOffset * 4L, count);
  }

  public static void float8E5m2ToFloat32(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
    checkArrays(src.length, srcOffset, dst.length, dstOffset, count);
    convertArrays(Conversion.FLOAT8_E5M2_TO_FLOAT32, src, srcOffset, dst, dstOffset * 4L, count);
  }

  public static void float32ToFloat16(float[] src, int srcOffset, short[] dst, int dstOffset, int count) {
    checkArrays(src.length, srcOffset, dst.length, dstOffset, count);
    convertArrays(Conversion.FLOAT32_TO_FLOAT16, src, srcOffset * 4L, dst, dstOffset * 2L, count);
  }

  public static void float32ToBFloat16(float[] src, int srcOffset, short[] dst, int dstOffset, int count) {
    checkArrays(src.length, srcOffset, dst.length, dstOffset, count);
    convertArrays(Conversion.FLOAT32_TO_BFLOAT16, src, srcOffset * 4L, dst, dstOffset * 2L, count);
  }

  /**
   * Widens {@code count} elements (native byte order) at byte {@code srcByteOffset} of {@code src}
   * into {@code dst[dstOffset..]}; {@code conversion} must produce float32.
   */
  public static void toFloat32(Conversion conversion, byte[] src, int srcByteOffset, float[] dst, int dstOffset, int count) {
    requireWidening(conversion);
    Objects.checkFromIndexSize(srcByteOffset, count * conversion.inputSize(), src.length);
    Objects.checkFromIndexSize(dstOffset, count, dst.length);
    NativeLibrary.requireAvailable();
    convertArrays(conversion, src, srcByteOffset, dst, dstOffset * 4L, count);
  }

  /**
   * Widens {@code count} elements from {@code src.position()} into {@code dst[dstOffset..]}: direct
   * buffers (a mapped file) are read in place, others through their array or a staging copy.
   */
  public static void toFloat32(Conversion conversion, ByteBuffer src, float[] dst, int dstOffset, int count) {
    requireWidening(conversion);
    int in = conversion.inputSize();
    if ((long) count * in > src.remaining()) {
      throw new IndexOutOfBoundsException(count + " elements need " + (long) count * in + " source bytes, "
          + src.remaining() + " remain");
    }
    Objects.checkFromIndexSize(dstOffset, count, dst.length);
    NativeLibrary.requireAvailable();
    if (src.isDirect()) {
      for (int done = 0; done < count; ) {
        int n = Math.min(BUFFER_CHUNK, count - done);
        NativeKernels.convertBufferToArray(conversion.ordinal(), src, src.position() + (long) done * in,
            dst, (dstOffset + (long) done) * 4L, n);
        done += n;
      }
    } else if (src.hasArray()) {
      convertArrays(conversion, src.array(), src.arrayOffset() + src.position(), dst, dstOffset * 4L, count);
    } else {
      byte[] stage = new byte[Math.min(count, 1 << 16) * in];
      for (int done = 0; done < count; ) {
        int n = Math.min(stage.length / in, count - done);
        src.get(src.position() + done * in, stage, 0, n * in);
        convertArrays(conversion, stage, 0, dst, (dstOffset + (long) done) * 4L, n);
        done += n;
      }
    }
  }

  /** Any conversion between byte arrays; offsets in bytes, buffers must not overlap. */
  public static void convert(Conversion conversion, byte[] src, int srcByteOffset, byte[] dst, int dstByteOffset, int count) {
    Objects.checkFromIndexSize(srcByteOffset, count * conversion.inputSize(), src.length);
    Objects.checkFromIndexSize(dstByteOffset, count * conversion.outputSize(), dst.length);
    NativeLibrary.requireAvailable();
    convertArrays(conversion, src, srcByteOffset, dst, dstByteOffset, count);
  }

  /** Reverses the bytes of {@code count} elements of {@code elementSize} bytes at {@code b[byteOffset..]}, in place. */
  public static void swapBytes(byte[] b, int byteOffset, int count, int elementSize) {
    Conversion swap = Conversion.swapBytes(elementSize);
    Objects.checkFromIndexSize(byteOffset, count * elementSize, b.length);
    NativeLibrary.requireAvailable();
    convertArrays(swap, b, byteOffset, b, byteOffset, count);
  }

  private static void requireWidening(Conversion c) {
    if (c.outputSize() != 4 || c.inputSize() > 2) {
      throw new IllegalArgumentException(c + " does not produce float32");
    }
  }

  /** The path the kernels run on now. */
  public static Isa activeIsa() {
    NativeLibrary.requireAvailable();
    return Isa.values()[NativeKernels.isaActive()];
  }

  /** Paths this build contains and this CPU can run. */
  public static Set<Isa> supportedIsas() {
    NativeLibrary.requireAvailable();
    Set<Isa> set = EnumSet.noneOf(Isa.class);
    for (Isa isa : Isa.values()) {
      if (NativeKernels.isaSupported(isa.ordinal())) {
        set.add(isa);
      }
    }
    return set;
  }

  /** Switches every kernel to {@code isa} (for tests and benchmarks); false when it cannot run here. */
  public static boolean selectIsa(Isa isa) {
    NativeLibrary.requireAvailable();
    return NativeKernels.isaSelect(isa.ordinal());
  }

  private static void checkArrays(int srcLength, int srcOffset, int dstLength, int dstOffset, int count) {
    Objects.checkFromIndexSize(srcOffset, count, srcLength);
    Objects.checkFromIndexSize(dstOffset, count, dstLength);
    NativeLibrary.requireAvailable();
  }

  /** Offsets are in bytes from the start of each array. */
  private static void convertArrays(Conversion c, Object src, long srcByte, Object dst, long dstByte, int count) {
    int op = c.ordinal();
    for (int done = 0; done < count; ) {
      int n = Math.min(ARRAY_CHUNK, count - done);
      NativeKernels.convertArrays(op, src, srcByte + (long) done * c.inputSize(),
          dst, dstByte + (long) done * c.outputSize(), n);
      done += n;
    }
  }
}
