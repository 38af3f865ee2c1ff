package dev.torch4j.nativelib;

/**
 * The element conversions the native library performs, with their element sizes. Constant
 * order is the native op table's order.
 */
public enum Conversion {
  FLOAT16_TO_FLOAT32(2, 4),
  BFLOAT16_TO_FLOAT32(2, 4),
  FLOAT8_E4M3FN_TO_FLOAT32(1, 4),
  FLOAT8_E5M2_TO_FLOAT32(1, 4),
  FLOAT32_TO_FLOAT16(4, 2),
  FLOAT32_TO_BFLOAT16(4, 2),
  SWAP_BYTES_2(2, 2),
  SWAP_BYTES_4(4, 4),
  SWAP_BYTES_8(8, 8);

  private final int inputSize;
  private final int outputSize;

  Conversion(int inputSize, int outputSize) {
    this.inputSize = inputSize;
    this.outputSize = outputSize;
  }

  public int inputSize() {
    return inputSize;
  }

  public int outputSize() {
    return outputSize;
  }

  /** The byte swap for an element size of 2, 4 or 8. */
  public static Conversion swapBytes(int elementSize) {
    return switch (elementSize) {
      case 2 -> SWAP_BYTES_2;
      case 4 -> SWAP_BYTES_4;
      case 8 -> SWAP_BYTES_8;
      default -> throw new IllegalArgumentException("element size must be 2, 4 or 8, not " + elementSize);
    };
  }
}
