// Device kernels and the double-buffered upload. The conversions are written with integer
// operations (not __half2float) so NaN payloads come out exactly as on the CPU paths.
#include "torch4j_cuda.h"

#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

__device__ uint32_t f16_bits_to_f32(uint32_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  const uint32_t mant = h & 0x3FFu;
  if (exp == 0x1F) return sign | 0x7F800000u | (mant << 13) | (mant ? 0x00400000u : 0u);
  if (exp == 0) {
    if (mant == 0) return sign;
    const int shift = 10 - (31 - __clz(mant));  // moves the leading one to bit 10
    return sign | uint32_t(113 - shift) << 23 | ((mant << shift) & 0x3FFu) << 13;
  }
  return sign | (exp + 112u) << 23 | mant << 13;
}

__global__ void f16_to_f32_kernel(const uint16_t* in, uint32_t* out, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    out[i] = f16_bits_to_f32(in[i]);
  }
}

__global__ void bf16_to_f32_kernel(const uint16_t* in, uint32_t* out, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    out[i] = uint32_t(in[i]) << 16;
  }
}

void set_error(char* err, size_t err_len, const char* what, cudaError_t e) {
  if (err != nullptr && err_len > 0) {
    std::snprintf(err, err_len, "%s: %s (%s)", what, cudaGetErrorString(e), cudaGetErrorName(e));
  }
}

// Owns every resource of one conversion so each early return releases them.
struct Session {
  void* pinned[2] = {nullptr, nullptr};
  void* d_in[2] = {nullptr, nullptr};
  void* d_out = nullptr;
  cudaStream_t stream[2] = {nullptr, nullptr};
  cudaEvent_t staged[2] = {nullptr, nullptr};
  ~Session() {
    for (int k = 0; k < 2; ++k) {
      if (stream[k]) cudaStreamSynchronize(stream[k]);
      if (staged[k]) cudaEventDestroy(staged[k]);
      if (stream[k]) cudaStreamDestroy(stream[k]);
      if (pinned[k]) cudaFreeHost(pinned[k]);
      if (d_in[k]) cudaFree(d_in[k]);
    }
    if (d_out) cudaFree(d_out);
  }
};

}  // namespace

extern "C" int t4j_cuda_device_count(char* err, size_t err_len) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e == cudaErrorNoDevice || (e == cudaSuccess && count == 0)) {
    if (err && err_len) std::snprintf(err, err_len, "no CUDA device");
    cudaGetLastError();  // clear the sticky error so later probes start clean
    return -1;
  }
  if (e != cudaSuccess) {
    set_error(err, err_len, "no CUDA device (driver missing or unusable)", e);
    cudaGetLastError();
    return -1;
  }
  return count;
}

extern "C" int t4j_cuda_convert(int op, const void* host_src, void* host_dst, size_t n,
                                size_t chunk_elems, char* err, size_t err_len) {
  if (op != T4J_CUDA_F16_TO_F32 && op != T4J_CUDA_BF16_TO_F32) {
    if (err && err_len) std::snprintf(err, err_len, "unknown CUDA conversion %d", op);
    return -1;
  }
  if (n == 0) return 0;
  if (chunk_elems == 0 || chunk_elems > n) chunk_elems = n;
  const size_t in_size = 2, out_size = 4;
  Session s;
#define T4J_CHECK(call, what)                       \
  do {                                              \
    const cudaError_t e_ = (call);                  \
    if (e_ != cudaSuccess) {                        \
      set_error(err, err_len, what, e_);            \
      return -1;                                    \
    }                                               \
  } while (0)
  T4J_CHECK(cudaMalloc(&s.d_out, n * out_size), "cudaMalloc(output)");
  for (int k = 0; k < 2; ++k) {
    T4J_CHECK(cudaMallocHost(&s.pinned[k], chunk_elems * in_size), "cudaMallocHost");
    T4J_CHECK(cudaMalloc(&s.d_in[k], chunk_elems * in_size), "cudaMalloc(staging)");
    T4J_CHECK(cudaStreamCreateWithFlags(&s.stream[k], cudaStreamNonBlocking), "cudaStreamCreate");
    T4J_CHECK(cudaEventCreateWithFlags(&s.staged[k], cudaEventDisableTiming), "cudaEventCreate");
  }
  const unsigned char* src = static_cast<const unsigned char*>(host_src);
  size_t chunk = 0;
  for (size_t off = 0; off < n; off += chunk_elems, ++chunk) {
    const int k = int(chunk & 1);
    const size_t count = (n - off < chunk_elems) ? n - off : chunk_elems;
    // Pinned buffer k is free once the copy issued two chunks ago has finished; meanwhile the
    // other stream's copy and kernel keep the GPU busy.
    if (chunk >= 2) T4J_CHECK(cudaEventSynchronize(s.staged[k]), "cudaEventSynchronize");
    std::memcpy(s.pinned[k], src + off * in_size, count * in_size);
    T4J_CHECK(cudaMemcpyAsync(s.d_in[k], s.pinned[k], count * in_size, cudaMemcpyHostToDevice, s.stream[k]),
              "cudaMemcpyAsync");
    T4J_CHECK(cudaEventRecord(s.staged[k], s.stream[k]), "cudaEventRecord");
    const int threads = 256;
    const int blocks = int((count + threads - 1) / threads < 4096 ? (count + threads - 1) / threads : 4096);
    uint32_t* out = static_cast<uint32_t*>(s.d_out) + off;
    const uint16_t* in = static_cast<const uint16_t*>(s.d_in[k]);
    if (op == T4J_CUDA_F16_TO_F32) {
      f16_to_f32_kernel<<<blocks, threads, 0, s.stream[k]>>>(in, out, count);
    } else {
      bf16_to_f32_kernel<<<blocks, threads, 0, s.stream[k]>>>(in, out, count);
    }
    T4J_CHECK(cudaGetLastError(), "kernel launch");
  }
  for (int k = 0; k < 2; ++k) T4J_CHECK(cudaStreamSynchronize(s.stream[k]), "cudaStreamSynchronize");
  T4J_CHECK(cudaMemcpy(host_dst, s.d_out, n * out_size, cudaMemcpyDeviceToHost), "cudaMemcpy(result)");
#undef T4J_CHECK
  return 0;
}
