// Portable element-by-element kernels: the reference every SIMD path must match bit for bit.
#include "kernels.h"

#if defined(_MSC_VER) && !defined(__clang__)
#include <stdlib.h>
#endif

namespace torch4j {
namespace {

template <typename In, typename Out, Out (*F)(In)>
void convert_loop(const void* src, void* dst, size_t n) {
  const unsigned char* s = static_cast<const unsigned char*>(src);
  unsigned char* d = static_cast<unsigned char*>(dst);
  for (size_t i = 0; i < n; ++i) {
    In in;
    std::memcpy(&in, s + i * sizeof(In), sizeof(In));  // memcpy: inputs may be unaligned
    const Out out = F(in);
    std::memcpy(d + i * sizeof(Out), &out, sizeof(Out));
  }
}

#if defined(_MSC_VER) && !defined(__clang__)
uint16_t swap16(uint16_t v) { return _byteswap_ushort(v); }
uint32_t swap32(uint32_t v) { return _byteswap_ulong(v); }
uint64_t swap64(uint64_t v) { return _byteswap_uint64(v); }
#else
uint16_t swap16(uint16_t v) { return __builtin_bswap16(v); }
uint32_t swap32(uint32_t v) { return __builtin_bswap32(v); }
uint64_t swap64(uint64_t v) { return __builtin_bswap64(v); }
#endif

const Kernels kScalar = {
    convert_loop<uint16_t, uint32_t, scalar::f16_to_f32>,
    convert_loop<uint16_t, uint32_t, scalar::bf16_to_f32>,
    convert_loop<uint8_t, uint32_t, scalar::e4m3fn_to_f32>,
    convert_loop<uint8_t, uint32_t, scalar::e5m2_to_f32>,
    convert_loop<uint32_t, uint16_t, scalar::f32_to_f16>,
    convert_loop<uint32_t, uint16_t, scalar::f32_to_bf16>,
    convert_loop<uint16_t, uint16_t, swap16>,
    convert_loop<uint32_t, uint32_t, swap32>,
    convert_loop<uint64_t, uint64_t, swap64>,
};

}  // namespace

const Kernels* scalar_kernels() { return &kScalar; }

}  // namespace torch4j
