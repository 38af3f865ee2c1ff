package dev.torch4j.nativelib;

/** Instruction set paths of the native kernels; ordinals match the native enum. */
public enum Isa {
  SCALAR,
  /** AVX2 with F16C and FMA. */
  AVX2,
  /** AVX-512 F and BW. */
  AVX512,
  NEON
}
