// arm64 kernels. Advanced SIMD (NEON) with half-precision conversion is part of the arm64 baseline.
#include "kernels.h"

#if defined(__aarch64__)
#include <arm_neon.h>

namespace torch4j {
namespace {

void neon_f16_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint16x4_t h = vld1_u16(reinterpret_cast<const uint16_t*>(in_bytes(src) + 2 * i));
    float32x4_t f = vcvt_f32_f16(vreinterpret_f16_u16(h));  // quiets NaNs like F16C
    vst1q_f32(reinterpret_cast<float*>(out_bytes(dst) + 4 * i), f);
  }
  tail(scalar_kernels()->f16_to_f32, src, 2, dst, 4, i, n);
}

void neon_bf16_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint16x8_t b = vld1q_u16(reinterpret_cast<const uint16_t*>(in_bytes(src) + 2 * i));
    uint32_t* d = reinterpret_cast<uint32_t*>(out_bytes(dst) + 4 * i);
    vst1q_u32(d, vshll_n_u16(vget_low_u16(b), 16));
    vst1q_u32(d + 4, vshll_n_u16(vget_high_u16(b), 16));
  }
  tail(scalar_kernels()->bf16_to_f32, src, 2, dst, 4, i, n);
}

void neon_f32_to_f16(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const unsigned char* s = in_bytes(src) + 4 * i;
    float32x4_t f = vld1q_f32(reinterpret_cast<const float*>(s));
    // FPCR's default rounding is to nearest even; NaN lanes are redone as sign|0x7E00.
    uint16x4_t h = vreinterpret_u16_f16(vcvt_f16_f32(f));
    vst1_u16(reinterpret_cast<uint16_t*>(out_bytes(dst) + 2 * i), h);
    if (vmaxvq_u32(vmvnq_u32(vceqq_f32(f, f))) != 0) {
      scalar_kernels()->f32_to_f16(s, out_bytes(dst) + 2 * i, 4);
    }
  }
  tail(scalar_kernels()->f32_to_f16, src, 4, dst, 2, i, n);
}

void neon_f32_to_bf16(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint32x4_t u = vld1q_u32(reinterpret_cast<const uint32_t*>(in_bytes(src) + 4 * i));
    uint32x4_t lsb = vandq_u32(vshrq_n_u32(u, 16), vdupq_n_u32(1));
    uint32x4_t r = vshrq_n_u32(vaddq_u32(u, vaddq_u32(lsb, vdupq_n_u32(0x7FFF))), 16);
    uint32x4_t nan = vcgtq_u32(vandq_u32(u, vdupq_n_u32(0x7FFFFFFF)), vdupq_n_u32(0x7F800000));
    r = vbslq_u32(nan, vdupq_n_u32(0xFFFF), r);
    vst1_u16(reinterpret_cast<uint16_t*>(out_bytes(dst) + 2 * i), vmovn_u32(r));
  }
  tail(scalar_kernels()->f32_to_bf16, src, 4, dst, 2, i, n);
}

void neon_bswap16(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint8x16_t v = vld1q_u8(in_bytes(src) + 2 * i);
    vst1q_u8(out_bytes(dst) + 2 * i, vrev16q_u8(v));
  }
  tail(scalar_kernels()->bswap16, src, 2, dst, 2, i, n);
}

void neon_bswap32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint8x16_t v = vld1q_u8(in_bytes(src) + 4 * i);
    vst1q_u8(out_bytes(dst) + 4 * i, vrev32q_u8(v));
  }
  tail(scalar_kernels()->bswap32, src, 4, dst, 4, i, n);
}

void neon_bswap64(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 2 <= n; i += 2) {
    uint8x16_t v = vld1q_u8(in_bytes(src) + 8 * i);
    vst1q_u8(out_bytes(dst) + 8 * i, vrev64q_u8(v));
  }
  tail(scalar_kernels()->bswap64, src, 8, dst, 8, i, n);
}

// float8 codes are byte lookups; the scalar table-free decoders are already branch-light.
const Kernels kNeon = {
    neon_f16_to_f32, neon_bf16_to_f32,
    scalar_kernels()->e4m3fn_to_f32, scalar_kernels()->e5m2_to_f32,
    neon_f32_to_f16, neon_f32_to_bf16, neon_bswap16, neon_bswap32, neon_bswap64,
};

}  // namespace

const Kernels* neon_kernels() { return &kNeon; }

}  // namespace torch4j

#else

namespace torch4j {
const Kernels* neon_kernels() { return nullptr; }
}  // namespace torch4j

#endif
