// Internal: one table of conversion kernels per instruction set path.
#ifndef TORCH4J_KERNELS_H
#define TORCH4J_KERNELS_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace torch4j {

using ConvertFn = void (*)(const void*, void*, size_t);

struct Kernels {
  ConvertFn f16_to_f32;
  ConvertFn bf16_to_f32;
  ConvertFn e4m3fn_to_f32;
  ConvertFn e5m2_to_f32;
  ConvertFn f32_to_f16;
  ConvertFn f32_to_bf16;
  ConvertFn bswap16;
  ConvertFn bswap32;
  ConvertFn bswap64;
};

// Byte views of the untyped kernel arguments, for the SIMD paths' pointer arithmetic.
inline const unsigned char* in_bytes(const void* p) { return static_cast<const unsigned char*>(p); }
inline unsigned char* out_bytes(void* p) { return static_cast<unsigned char*>(p); }

// Finishes the elements a vector loop left over (from `done` to `n`), using the scalar kernel.
inline void tail(ConvertFn scalar_fn, const void* src, size_t in_size, void* dst, size_t out_size,
                 size_t done, size_t n) {
  if (done < n) scalar_fn(in_bytes(src) + done * in_size, out_bytes(dst) + done * out_size, n - done);
}

// Each returns nullptr when the path was not compiled into this build.
const Kernels* scalar_kernels();
const Kernels* avx2_kernels();
const Kernels* avx512_kernels();
const Kernels* neon_kernels();

// Scalar element conversions shared by all paths (SIMD loops finish their tails with these).
namespace scalar {

inline uint32_t f32_bits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
inline float f32_from(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

inline uint32_t f16_to_f32(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t mant = h & 0x3FFu;
  if (exp == 0x1F) {                       // inf / NaN: NaN comes out quiet, payload kept
    return sign | 0x7F800000u | (mant << 13) | (mant ? 0x00400000u : 0u);
  }
  if (exp == 0) {
    if (mant == 0) return sign;
    int e = -1;                            // normalise the subnormal: value = mant * 2^-24
    do { mant <<= 1; ++e; } while ((mant & 0x400u) == 0);
    return sign | uint32_t(127 - 15 - e) << 23 | (mant & 0x3FFu) << 13;
  }
  return sign | (exp + 112u) << 23 | mant << 13;
}

inline uint32_t bf16_to_f32(uint16_t b) { return uint32_t(b) << 16; }

inline uint32_t e5m2_to_f32(uint8_t v) { return f16_to_f32(uint16_t(v) << 8); }

inline uint32_t e4m3fn_to_f32(uint8_t v) {
  const uint32_t sign = uint32_t(v & 0x80u) << 24;
  const uint32_t exp = (v >> 3) & 0xFu;
  uint32_t mant = v & 0x7u;
  if (exp == 0xF && mant == 0x7) return sign | 0x7FF00000u;  // the only NaN; no infinities
  if (exp == 0) {
    if (mant == 0) return sign;
    int e = -1;                            // subnormal: value = mant * 2^-9
    do { mant <<= 1; ++e; } while ((mant & 0x8u) == 0);
    return sign | uint32_t(127 - 7 - e) << 23 | (mant & 0x7u) << 20;
  }
  return sign | (exp + 120u) << 23 | mant << 20;
}

inline uint16_t f32_to_f16(uint32_t f) {
  const uint16_t sign = uint16_t((f >> 16) & 0x8000u);
  const uint32_t abs = f & 0x7FFFFFFFu;
  if (abs > 0x7F800000u) return sign | 0x7E00u;          // NaN
  if (abs >= 0x477FF000u) return sign | 0x7C00u;         // rounds to or beyond infinity
  if (abs >= 0x38800000u) {                              // normal float16 range
    const uint32_t rounded = abs + 0x0FFFu + ((abs >> 13) & 1u);
    return sign | uint16_t((rounded - 0x38000000u) >> 13);
  }
  if (abs < 0x33000001u) return sign;                    // <= 2^-25 (half the smallest subnormal): ties to 0
  // Subnormal float16: shift the full significand so that the unit is 2^-24, then round.
  const uint32_t exp = abs >> 23;
  const uint32_t mant = (abs & 0x7FFFFFu) | 0x800000u;
  const uint32_t shift = 126u - exp;                     // 14..24 for exp in [102, 112]
  const uint32_t q = mant >> shift;
  const uint32_t rem = mant & ((1u << shift) - 1u);
  const uint32_t half = 1u << (shift - 1);
  const uint32_t up = (rem > half || (rem == half && (q & 1u))) ? 1u : 0u;
  return sign | uint16_t(q + up);
}

inline uint16_t f32_to_bf16(uint32_t f) {
  if ((f & 0x7FFFFFFFu) > 0x7F800000u) return 0xFFFFu;   // NaN
  return uint16_t((f + 0x7FFFu + ((f >> 16) & 1u)) >> 16);
}

}  // namespace scalar
}  // namespace torch4j

#endif
