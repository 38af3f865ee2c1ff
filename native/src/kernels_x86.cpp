// x86-64 kernels. Each function carries its own target attribute, so the file compiles with the
// baseline flags and the dispatcher only calls a path after __builtin_cpu_supports approved it.
#include "kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define T4J_AVX2 __attribute__((target("avx2,f16c,fma")))
#define T4J_AVX512 __attribute__((target("avx512f,avx512bw,avx2,f16c")))

namespace torch4j {
namespace {

// e4m3fn has 256 codes; a table of their float32 bit patterns turns decoding into a gather.
struct E4m3Table {
  uint32_t bits[256];
  E4m3Table() { for (int i = 0; i < 256; ++i) bits[i] = scalar::e4m3fn_to_f32(uint8_t(i)); }
};
const E4m3Table kE4m3;

// Elements [from, n) of a byte swap, after the last full vector: the scalar kernel of the same width.
template <int Size>
void bswap_tail(const void* src, void* dst, size_t from, size_t n) {
  const Kernels* s = scalar_kernels();
  ConvertFn fn = Size == 2 ? s->bswap16 : Size == 4 ? s->bswap32 : s->bswap64;
  tail(fn, src, Size, dst, Size, from, n);
}

// ---------------------------------------------------------------- AVX2 + F16C

T4J_AVX2 void avx2_f16_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in_bytes(src) + 2 * i));
    _mm256_storeu_ps(reinterpret_cast<float*>(out_bytes(dst) + 4 * i), _mm256_cvtph_ps(h));
  }
  tail(scalar_kernels()->f16_to_f32, src, 2, dst, 4, i, n);
}

T4J_AVX2 void avx2_bf16_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in_bytes(src) + 2 * i));
    __m256i w = _mm256_slli_epi32(_mm256_cvtepu16_epi32(b), 16);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out_bytes(dst) + 4 * i), w);
  }
  tail(scalar_kernels()->bf16_to_f32, src, 2, dst, 4, i, n);
}

T4J_AVX2 void avx2_e5m2_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in_bytes(src) + i));
    __m128i h = _mm_slli_epi16(_mm_cvtepu8_epi16(b), 8);  // e5m2 is the top byte of a float16
    _mm256_storeu_ps(reinterpret_cast<float*>(out_bytes(dst) + 4 * i), _mm256_cvtph_ps(h));
  }
  tail(scalar_kernels()->e5m2_to_f32, src, 1, dst, 4, i, n);
}

T4J_AVX2 void avx2_e4m3fn_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in_bytes(src) + i));
    __m256i idx = _mm256_cvtepu8_epi32(b);
    __m256i w = _mm256_i32gather_epi32(reinterpret_cast<const int*>(kE4m3.bits), idx, 4);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out_bytes(dst) + 4 * i), w);
  }
  tail(scalar_kernels()->e4m3fn_to_f32, src, 1, dst, 4, i, n);
}

T4J_AVX2 void avx2_f32_to_f16(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const unsigned char* s = in_bytes(src) + 4 * i;
    __m256 f = _mm256_loadu_ps(reinterpret_cast<const float*>(s));
    __m128i h = _mm256_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out_bytes(dst) + 2 * i), h);
    // F16C keeps NaN payloads; PyTorch writes sign|0x7E00. NaNs are rare, so redo those lanes.
    if (_mm256_movemask_ps(_mm256_cmp_ps(f, f, _CMP_UNORD_Q)) != 0) {
      scalar_kernels()->f32_to_f16(s, out_bytes(dst) + 2 * i, 8);
    }
  }
  tail(scalar_kernels()->f32_to_f16, src, 4, dst, 2, i, n);
}

T4J_AVX2 __m256i avx2_bf16_round(__m256i u) {
  const __m256i one = _mm256_set1_epi32(1);
  __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), one);
  __m256i r = _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7FFF))), 16);
  __m256i abs = _mm256_and_si256(u, _mm256_set1_epi32(0x7FFFFFFF));
  __m256i nan = _mm256_cmpgt_epi32(abs, _mm256_set1_epi32(0x7F800000));  // signed compare is fine: abs >= 0
  return _mm256_or_si256(r, _mm256_and_si256(nan, _mm256_set1_epi32(0xFFFF)));
}

T4J_AVX2 void avx2_f32_to_bf16(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i* s = reinterpret_cast<const __m256i*>(in_bytes(src) + 4 * i);
    __m256i a = avx2_bf16_round(_mm256_loadu_si256(s));
    __m256i b = avx2_bf16_round(_mm256_loadu_si256(s + 1));
    // packus works per 128-bit lane; the permute restores element order.
    __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out_bytes(dst) + 2 * i), packed);
  }
  tail(scalar_kernels()->f32_to_bf16, src, 4, dst, 2, i, n);
}

template <int Size>
T4J_AVX2 void avx2_bswap(const void* src, void* dst, size_t n) {
  const __m256i mask = Size == 2
      ? _mm256_setr_epi8(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14,
                         1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)
      : Size == 4
      ? _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
                         3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12)
      : _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8,
                         7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
  const size_t bytes = n * Size;
  size_t i = 0;
  for (; i + 32 <= bytes; i += 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in_bytes(src) + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out_bytes(dst) + i), _mm256_shuffle_epi8(v, mask));
  }
  bswap_tail<Size>(src, dst, i / Size, n);
}

const Kernels kAvx2 = {
    avx2_f16_to_f32, avx2_bf16_to_f32, avx2_e4m3fn_to_f32, avx2_e5m2_to_f32,
    avx2_f32_to_f16, avx2_f32_to_bf16, avx2_bswap<2>, avx2_bswap<4>, avx2_bswap<8>,
};

// ---------------------------------------------------------------- AVX-512 F + BW

T4J_AVX512 void avx512_f16_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in_bytes(src) + 2 * i));
    _mm512_storeu_ps(out_bytes(dst) + 4 * i, _mm512_cvtph_ps(h));
  }
  tail(scalar_kernels()->f16_to_f32, src, 2, dst, 4, i, n);
}

T4J_AVX512 void avx512_bf16_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in_bytes(src) + 2 * i));
    _mm512_storeu_si512(out_bytes(dst) + 4 * i, _mm512_slli_epi32(_mm512_cvtepu16_epi32(b), 16));
  }
  tail(scalar_kernels()->bf16_to_f32, src, 2, dst, 4, i, n);
}

T4J_AVX512 void avx512_e5m2_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in_bytes(src) + i));
    __m256i h = _mm256_slli_epi16(_mm256_cvtepu8_epi16(b), 8);
    _mm512_storeu_ps(out_bytes(dst) + 4 * i, _mm512_cvtph_ps(h));
  }
  tail(scalar_kernels()->e5m2_to_f32, src, 1, dst, 4, i, n);
}

T4J_AVX512 void avx512_e4m3fn_to_f32(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in_bytes(src) + i));
    __m512i w = _mm512_i32gather_epi32(_mm512_cvtepu8_epi32(b), kE4m3.bits, 4);
    _mm512_storeu_si512(out_bytes(dst) + 4 * i, w);
  }
  tail(scalar_kernels()->e4m3fn_to_f32, src, 1, dst, 4, i, n);
}

T4J_AVX512 void avx512_f32_to_f16(const void* src, void* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const unsigned char* s = in_bytes(src) + 4 * i;
    __m512 f = _mm512_loadu_ps(s);
    __m256i h = _mm512_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out_bytes(dst) + 2 * i), h);
    // Redo NaN lanes as sign|0x7E00 (see avx2_f32_to_f16).
    if (_mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q) != 0) {
      scalar_kernels()->f32_to_f16(s, out_bytes(dst) + 2 * i, 16);
    }
  }
  tail(scalar_kernels()->f32_to_f16, src, 4, dst, 2, i, n);
}

T4J_AVX512 void avx512_f32_to_bf16(const void* src, void* dst, size_t n) {
  // Integer rounding on purpose: VCVTNEPS2BF16 flushes subnormal inputs to zero.
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512i u = _mm512_loadu_si512(in_bytes(src) + 4 * i);
    __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    __m512i r = _mm512_srli_epi32(_mm512_add_epi32(u, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7FFF))), 16);
    __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(u, _mm512_set1_epi32(0x7FFFFFFF)),
                                            _mm512_set1_epi32(0x7F800000));
    r = _mm512_mask_mov_epi32(r, nan, _mm512_set1_epi32(0xFFFF));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out_bytes(dst) + 2 * i), _mm512_cvtepi32_epi16(r));
  }
  tail(scalar_kernels()->f32_to_bf16, src, 4, dst, 2, i, n);
}

template <int Size>
T4J_AVX512 void avx512_bswap(const void* src, void* dst, size_t n) {
  alignas(64) int8_t lane[64];
  for (int b = 0; b < 64; ++b) lane[b] = int8_t((b & 15) - (b & 15) % Size + (Size - 1 - (b & 15) % Size));
  const __m512i mask = _mm512_load_si512(lane);
  const size_t bytes = n * Size;
  size_t i = 0;
  for (; i + 64 <= bytes; i += 64) {
    __m512i v = _mm512_loadu_si512(in_bytes(src) + i);
    _mm512_storeu_si512(out_bytes(dst) + i, _mm512_shuffle_epi8(v, mask));
  }
  bswap_tail<Size>(src, dst, i / Size, n);
}

const Kernels kAvx512 = {
    avx512_f16_to_f32, avx512_bf16_to_f32, avx512_e4m3fn_to_f32, avx512_e5m2_to_f32,
    avx512_f32_to_f16, avx512_f32_to_bf16, avx512_bswap<2>, avx512_bswap<4>, avx512_bswap<8>,
};

}  // namespace

const Kernels* avx2_kernels() { return &kAvx2; }
const Kernels* avx512_kernels() { return &kAvx512; }

}  // namespace torch4j

#else

namespace torch4j {
const Kernels* avx2_kernels() { return nullptr; }
const Kernels* avx512_kernels() { return nullptr; }
}  // namespace torch4j

#endif
