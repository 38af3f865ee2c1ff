// Picks the fastest kernel table the running CPU supports, once, and routes the C API through it.
#include "torch4j/convert.h"
#include "kernels.h"

#include <atomic>
#include <initializer_list>

namespace torch4j {
namespace {

const Kernels* table_for(int isa) {
  switch (isa) {
    case T4J_ISA_SCALAR: return scalar_kernels();
    case T4J_ISA_AVX2: return avx2_kernels();
    case T4J_ISA_AVX512: return avx512_kernels();
    case T4J_ISA_NEON: return neon_kernels();
    default: return nullptr;
  }
}

bool cpu_runs(int isa) {
  if (table_for(isa) == nullptr) return false;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();  // we may run from a static initializer, before libgcc's own init
#endif
  switch (isa) {
    case T4J_ISA_SCALAR: return true;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case T4J_ISA_AVX2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c") &&
             __builtin_cpu_supports("fma");
    case T4J_ISA_AVX512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c");
#endif
#if defined(__aarch64__)
    case T4J_ISA_NEON: return true;
#endif
    default: return false;
  }
}

int best_isa() {
  for (int isa : {T4J_ISA_AVX512, T4J_ISA_AVX2, T4J_ISA_NEON}) {
    if (cpu_runs(isa)) return isa;
  }
  return T4J_ISA_SCALAR;
}

std::atomic<int> g_isa{best_isa()};

const Kernels* active() { return table_for(g_isa.load(std::memory_order_relaxed)); }

}  // namespace
}  // namespace torch4j

using torch4j::active;

extern "C" {

int t4j_isa_supported(int isa) { return torch4j::cpu_runs(isa) ? 1 : 0; }
int t4j_isa_active(void) { return torch4j::g_isa.load(); }

int t4j_isa_select(int isa) {
  if (!torch4j::cpu_runs(isa)) return 0;
  torch4j::g_isa.store(isa);
  return 1;
}

const char* t4j_isa_name(int isa) {
  switch (isa) {
    case T4J_ISA_SCALAR: return "scalar";
    case T4J_ISA_AVX2: return "avx2";
    case T4J_ISA_AVX512: return "avx512";
    case T4J_ISA_NEON: return "neon";
    default: return "unknown";
  }
}

void t4j_f16_to_f32(const void* s, void* d, size_t n) { active()->f16_to_f32(s, d, n); }
void t4j_bf16_to_f32(const void* s, void* d, size_t n) { active()->bf16_to_f32(s, d, n); }
void t4j_e4m3fn_to_f32(const void* s, void* d, size_t n) { active()->e4m3fn_to_f32(s, d, n); }
void t4j_e5m2_to_f32(const void* s, void* d, size_t n) { active()->e5m2_to_f32(s, d, n); }
void t4j_f32_to_f16(const void* s, void* d, size_t n) { active()->f32_to_f16(s, d, n); }
void t4j_f32_to_bf16(const void* s, void* d, size_t n) { active()->f32_to_bf16(s, d, n); }
void t4j_bswap16(const void* s, void* d, size_t n) { active()->bswap16(s, d, n); }
void t4j_bswap32(const void* s, void* d, size_t n) { active()->bswap32(s, d, n); }
void t4j_bswap64(const void* s, void* d, size_t n) { active()->bswap64(s, d, n); }

}  // extern "C"
