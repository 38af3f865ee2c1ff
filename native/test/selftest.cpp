// Native self-test: every ISA path this CPU runs must reproduce the scalar kernels bit for bit
// (exhaustively for 8/16-bit inputs, on edge cases and random bits for float32), including
// unaligned pointers and ragged lengths. The scalar kernels themselves are checked against
// independent references in the Java tests and against PyTorch; this binary exists so that
// cross builds (e.g. linux-arm64 under qemu) can check their SIMD paths without a JVM.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "torch4j/convert.h"

namespace {

using Fn = void (*)(const void*, void*, size_t);

struct Case {
  const char* name;
  Fn fn;
  int in_size;
  int out_size;
};

const Case kCases[] = {
    {"f16_to_f32", t4j_f16_to_f32, 2, 4},     {"bf16_to_f32", t4j_bf16_to_f32, 2, 4},
    {"e4m3fn_to_f32", t4j_e4m3fn_to_f32, 1, 4}, {"e5m2_to_f32", t4j_e5m2_to_f32, 1, 4},
    {"f32_to_f16", t4j_f32_to_f16, 4, 2},     {"f32_to_bf16", t4j_f32_to_bf16, 4, 2},
    {"bswap16", t4j_bswap16, 2, 2},           {"bswap32", t4j_bswap32, 4, 4},
    {"bswap64", t4j_bswap64, 8, 8},
};

std::vector<unsigned char> inputs_for(const Case& c) {
  std::vector<unsigned char> in;
  if (c.in_size <= 2 && c.out_size == 4) {  // every pattern, three times, plus a ragged tail
    const size_t codes = c.in_size == 1 ? 256 : 65536;
    const size_t n = codes * 3 + 13;
    in.resize(n * c.in_size);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t code = uint32_t(i % codes);
      std::memcpy(&in[i * c.in_size], &code, c.in_size);  // little-endian hosts only
    }
    return in;
  }
  std::mt19937_64 rng(12345);
  const size_t n = 1000003;
  in.resize(n * c.in_size);
  for (auto& b : in) b = static_cast<unsigned char>(rng());
  if (c.in_size == 4) {
    const uint32_t specials[] = {0x7F800000u, 0xFF800000u, 0x7FC00000u, 0x7F800001u, 0xFFFFFFFFu,
                                 0x477FF000u, 0x477FEFFFu, 0x33000000u, 0x33000001u, 0x387FF000u,
                                 0x3F808000u, 0x3F818000u, 0x00000001u, 0x7F7FFFFFu, 0x80000000u};
    for (size_t i = 0; i < sizeof specials / 4; ++i) std::memcpy(&in[i * 4 * 7], &specials[i], 4);
    for (size_t i = 1000; i < n; i += 3) {  // bias a third of the inputs into float16 range
      uint32_t u;
      std::memcpy(&u, &in[i * 4], 4);
      u = (u & 0x87FFFFFFu) | 0x30000000u;
      std::memcpy(&in[i * 4], &u, 4);
    }
  }
  return in;
}

int check(const Case& c, int isa) {
  std::vector<unsigned char> in = inputs_for(c);
  const size_t n = in.size() / c.in_size;
  int failures = 0;
  for (size_t misalign : {0, 1, 3}) {
    std::vector<unsigned char> src(in.size() + 8), want(n * c.out_size + 8), got(n * c.out_size + 8);
    std::memcpy(src.data() + misalign, in.data(), in.size());
    t4j_isa_select(T4J_ISA_SCALAR);
    c.fn(src.data() + misalign, want.data(), n);
    t4j_isa_select(isa);
    c.fn(src.data() + misalign, got.data() + misalign, n);
    if (std::memcmp(want.data(), got.data() + misalign, n * c.out_size) != 0) {
      for (size_t i = 0; i < n; ++i) {
        if (std::memcmp(&want[i * c.out_size], &got[misalign + i * c.out_size], c.out_size) != 0) {
          std::printf("FAIL %s on %s, misalign %zu, element %zu\n", c.name, t4j_isa_name(isa), misalign, i);
          break;
        }
      }
      ++failures;
    }
  }
  return failures;
}

}  // namespace

int main() {
  const int original = t4j_isa_active();
  int failures = 0;
  int paths = 0;
  for (int isa = T4J_ISA_SCALAR; isa <= T4J_ISA_NEON; ++isa) {
    if (!t4j_isa_supported(isa)) continue;
    ++paths;
    for (const Case& c : kCases) failures += check(c, isa);
    std::printf("%s: checked\n", t4j_isa_name(isa));
  }
  t4j_isa_select(original);
  std::printf("%d path(s), %d failure(s); default path %s\n", paths, failures, t4j_isa_name(original));
  return failures == 0 ? 0 : 1;
}
