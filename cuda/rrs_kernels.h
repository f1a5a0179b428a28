// rrs_kernels.h — C API of librrs_kernels.so: the three fused RRS loss kernels (class statistics,
// reshape loss, LoRA Gram penalty), each with a CPU and (in CUDA builds) a CUDA entry point.
// Scope: declarations, error reporting (thread-local message) and bfloat16 helpers shared by
// the kernel sources, the JNI bridge and the standalone harnesses. Every entry returns 0 on
// success and non-zero on failure, with the reason in rrs_last_error().
#pragma once
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifdef __CUDACC__
#define RRS_HD __host__ __device__ __forceinline__
#else
#define RRS_HD inline
#endif

#define RRS_DTYPE_F32 0
#define RRS_DTYPE_BF16 1

typedef uint16_t rrs_bf16;  // raw bfloat16 bits: no dependency on cuda_bf16.h or a C++ bf16 type

// bfloat16 is the high half of a float32: widening is a shift, narrowing rounds to nearest even.
RRS_HD float rrs_bf16_to_float(rrs_bf16 v) {
  uint32_t u = (uint32_t)v << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}
RRS_HD rrs_bf16 rrs_float_to_bf16(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (rrs_bf16)0x7fc0;  // NaN stays a quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return (rrs_bf16)(u >> 16);
}
RRS_HD float rrs_load(const float* p, long i) { return p[i]; }
RRS_HD float rrs_load(const rrs_bf16* p, long i) { return rrs_bf16_to_float(p[i]); }
RRS_HD void rrs_store(float* p, long i, float v) { p[i] = v; }
RRS_HD void rrs_store(rrs_bf16* p, long i, float v) { p[i] = rrs_float_to_bf16(v); }

// The last error of the calling thread; one buffer per thread so concurrent trainers don't mix.
inline char* rrs_error_buffer() {
  static thread_local char buffer[1024];
  return buffer;
}
inline int rrs_fail(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(rrs_error_buffer(), 1024, fmt, args);
  va_end(args);
  return 1;
}

// One LoRA adapter: delta W = scale * B A with A (rank x in_features), B (out_features x rank),
// both row-major float32. grad_a / grad_b receive dP/dA and dP/dB (overwritten, not added).
typedef struct {
  const float* a;
  const float* b;
  float* grad_a;
  float* grad_b;
  int rank;
  long out_features;  // m
  long in_features;   // n
  float scale;
} rrs_lora_adapter;

#ifdef __cplusplus
extern "C" {
#endif
const char* rrs_last_error(void);
int rrs_cuda_built(void);          // 1 in a CUDA build
int rrs_cuda_device_count(void);   // 0 when no driver/device or in a CPU build

// Class statistics. harmful: n_harmful x d, benign: n_benign x d (dtype F32 or BF16, row-major);
// lm_head_row: d float32. top_fraction <= 0 selects c_j > 0, else the round(top_fraction*d)
// largest c_j (ties broken by lower index). Outputs: means, delta, contrib (float64, d each) and
// mask (d bytes, 0/1).
int rrs_class_stats_cpu(const void* harmful, long n_harmful, const void* benign, long n_benign, long d,
                        int dtype, const float* lm_head_row, double top_fraction, double* mean_harmful,
                        double* mean_benign, double* delta, double* contrib, uint8_t* mask);
int rrs_class_stats_cuda(const void* harmful, long n_harmful, const void* benign, long n_benign, long d,
                         int dtype, const float* lm_head_row, double top_fraction, double* mean_harmful,
                         double* mean_benign, double* delta, double* contrib, uint8_t* mask, void* stream);

// Reshape loss: loss = mean((h - h0 - sign[b] * delta_m)^2) over b x d, grad = dloss/dh (dtype of h).
int rrs_reshape_loss_cpu(const void* h, const void* h0, const float* sign, const float* delta_m, long b,
                         long d, int dtype, float* loss, void* grad);
int rrs_reshape_loss_cuda(const void* h, const void* h0, const float* sign, const float* delta_m, long b,
                          long d, int dtype, float* loss, void* grad, void* stream);

// LoRA penalty: penalty = sum_i scale_i^2 * sum((B_i^T B_i) * (A_i A_i^T)) = sum ||scale B A||_F^2,
// with grad_a = 2 s^2 (B^T B) A and grad_b = 2 s^2 B (A A^T). On CUDA all pointers (penalty
// included) are device pointers; the descriptor array itself is host memory.
int rrs_lora_penalty_cpu(const rrs_lora_adapter* adapters, int count, float* penalty);
int rrs_lora_penalty_cuda(const rrs_lora_adapter* adapters, int count, float* penalty, void* stream);
#ifdef __cplusplus
}
#endif

// Shared argument checks: the Java side validates first; these guard direct C callers.
#define RRS_REQUIRE(cond, ...) \
  do {                         \
    if (!(cond)) return rrs_fail(__VA_ARGS__); \
  } while (0)

#ifdef __CUDACC__
#define RRS_CUDA_CHECK(call, what)                                                       \
  do {                                                                                   \
    cudaError_t rrs_status = (call);                                                     \
    if (rrs_status != cudaSuccess)                                                       \
      return rrs_fail("%s: CUDA error %s (%s)", what, cudaGetErrorName(rrs_status),      \
                      cudaGetErrorString(rrs_status));                                   \
  } while (0)
#endif
