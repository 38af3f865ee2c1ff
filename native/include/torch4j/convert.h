// C API of the torch4j CPU fast paths. All element data is in the host's native byte order;
// pointers may be unaligned. Conversions have the same results bit for bit on every ISA path:
//   * float16/bfloat16/float8 -> float32 are exact; float16 and e5m2 NaNs come out quiet with
//     the payload shifted up (what x86 F16C and PyTorch's tensor copy produce), bfloat16 NaNs keep
//     their bits unchanged (a plain shift, as PyTorch does), e4m3fn NaN (S.1111.111) -> sign|0x7FF00000.
//   * float32 -> float16/bfloat16 round to nearest even; overflow goes to infinity for float16
//     and rounds up to infinity for bfloat16. NaNs follow PyTorch 1.13's Tensor.to() kernels:
//     float16 NaN -> sign|0x7E00, bfloat16 NaN -> 0xFFFF.
#ifndef TORCH4J_CONVERT_H
#define TORCH4J_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Instruction set paths a build may contain; t4j_isa_supported says which run here. */
enum t4j_isa {
  T4J_ISA_SCALAR = 0,
  T4J_ISA_AVX2 = 1,   /* AVX2 + F16C */
  T4J_ISA_AVX512 = 2, /* AVX-512 F + BW */
  T4J_ISA_NEON = 3
};

int t4j_isa_supported(int isa);
int t4j_isa_active(void);
/* Selects a path (for tests and benchmarks); returns 0 when it cannot run here. */
int t4j_isa_select(int isa);
const char* t4j_isa_name(int isa);

void t4j_f16_to_f32(const void* src, void* dst, size_t n);
void t4j_bf16_to_f32(const void* src, void* dst, size_t n);
void t4j_e4m3fn_to_f32(const void* src, void* dst, size_t n);
void t4j_e5m2_to_f32(const void* src, void* dst, size_t n);
void t4j_f32_to_f16(const void* src, void* dst, size_t n);
void t4j_f32_to_bf16(const void* src, void* dst, size_t n);

/* Reverses the bytes of each element; src == dst (in place) is allowed. */
void t4j_bswap16(const void* src, void* dst, size_t n);
void t4j_bswap32(const void* src, void* dst, size_t n);
void t4j_bswap64(const void* src, void* dst, size_t n);

#ifdef __cplusplus
}
#endif
#endif
