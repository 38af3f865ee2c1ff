package dev.torch4j.nativelib;

import dev.torch4j.spi.ElementConversions;
import dev.torch4j.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@link ElementConversions} torch4j-core uses when this jar and its library are present: the
 * {@link NativeConversions} kernels, which match torch4j's pure-Java converters bit for bit.
 * Only offered on little-endian machines, where torch4j's little-endian element bytes are the
 * kernels' native order.
 */
public final class NativeElementConversions implements ElementConversions {
    /** Created by {@link java.util.ServiceLoader}. */
    public NativeElementConversions() {}

  @Override
  public String name() {
    return "native";
  }

  @Override
  public boolean available() {
    return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN && NativeLibrary.isAvailable();
  }

  @Override
  public boolean decodes(DType dtype) {
    return widening(dtype) != null;
  }

  @Override
  public void decode(DType dtype, byte[] src, int srcOff, float[] dst, int dstOff, int n) {
    NativeConversions.toFloat32(requireWidening(dtype), src, srcOff, dst, dstOff, n);
  }

  @Override
  public void decode(DType dtype, ByteBuffer src, float[] dst, int dstOff, int n) {
    NativeConversions.toFloat32(requireWidening(dtype), src, dst, dstOff, n);
  }

  @Override
  public void encode(DType target, byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
    Conversion c = switch (target) {
      case FLOAT16 -> Conversion.FLOAT32_TO_FLOAT16;
      case BFLOAT16 -> Conversion.FLOAT32_TO_BFLOAT16;
      default -> throw new IllegalArgumentException("cannot encode float32 as " + target.pythonName());
    };
    NativeConversions.convert(c, src, srcOff, dst, dstOff, n);
  }

  @Override
  public void swapBytes(byte[] b, int off, int n, int elementSize) {
    NativeConversions.swapBytes(b, off, n, elementSize);
  }

  private static Conversion widening(DType d) {
    return switch (d) {
      case FLOAT16 -> Conversion.FLOAT16_TO_FLOAT32;
      case BFLOAT16 -> Conversion.BFLOAT16_TO_FLOAT32;
      case FLOAT8_E4M3FN -> Conversion.FLOAT8_E4M3FN_TO_FLOAT32;
      case FLOAT8_E5M2 -> Conversion.FLOAT8_E5M2_TO_FLOAT32;
      default -> null;
    };
  }

  private static Conversion requireWidening(DType d) {
    Conversion c = widening(d);
    if (c == null) {
      throw new IllegalArgumentException("no native conversion from " + d.pythonName());
    }
    return c;
  }
}
