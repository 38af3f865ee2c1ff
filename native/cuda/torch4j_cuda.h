// C API of libtorch4j_cuda: float16/bfloat16 -> float32 on the GPU, fed by a pinned,
// double-buffered host->device stream. Results match the CPU paths bit for bit.
#ifndef TORCH4J_CUDA_H
#define TORCH4J_CUDA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { T4J_CUDA_F16_TO_F32 = 0, T4J_CUDA_BF16_TO_F32 = 1 };

/* Number of usable devices, or -1 with a reason ("no CUDA device", driver missing...) in err. */
int t4j_cuda_device_count(char* err, size_t err_len);

/* Streams n elements from pageable host memory through two pinned staging buffers of
   chunk_elems elements each onto the device, converts them there, and copies the float32
   result back to host_dst. Returns 0, or -1 with a message in err. */
int t4j_cuda_convert(int op, const void* host_src, void* host_dst, size_t n, size_t chunk_elems,
                     char* err, size_t err_len);

#ifdef __cplusplus
}
#endif
#endif
