// harness_common.h — helpers for the standalone kernel harnesses (built with -DRRS_HARNESS):
// deterministic random inputs, relative-difference checks and wall/event timing. Harnesses
// compile with g++ (CPU timing only) or with nvcc (every CUDA variant checked and timed).
#pragma once
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "rrs_kernels.h"

static uint64_t harness_rng_state = 0x9E3779B97F4A7C15ull;
static float harness_uniform() {  // xorshift64*: reproducible across compilers, no <random> quirks
  harness_rng_state ^= harness_rng_state >> 12;
  harness_rng_state ^= harness_rng_state << 25;
  harness_rng_state ^= harness_rng_state >> 27;
  return (float)((harness_rng_state * 2685821657736338717ull) >> 40) / (float)(1ull << 24);
}
static float harness_normal() {
  float u1 = harness_uniform() + 1e-7f, u2 = harness_uniform();
  return sqrtf(-2.0f * logf(u1)) * cosf(6.2831853f * u2);
}
static std::vector<float> harness_random(size_t count, float scale = 1.0f) {
  std::vector<float> v(count);
  for (auto& x : v) x = scale * harness_normal();
  return v;
}
static std::vector<rrs_bf16> harness_to_bf16(const std::vector<float>& v) {
  std::vector<rrs_bf16> out(v.size());
  for (size_t i = 0; i < v.size(); i++) out[i] = rrs_float_to_bf16(v[i]);
  return out;
}
// max |a - b| / max(max |b|, tiny): one number per output, compared against a tolerance.
template <typename T>
static double harness_rel_diff(const T* a, const T* b, size_t count) {
  double max_diff = 0, max_ref = 1e-30;
  for (size_t i = 0; i < count; i++) {
    double x = rrs_load(a, (long)i), y = rrs_load(b, (long)i);
    max_diff = fmax(max_diff, fabs(x - y));
    max_ref = fmax(max_ref, fabs(y));
  }
  return max_diff / max_ref;
}
static double harness_rel_diff(const double* a, const double* b, size_t count) {
  double max_diff = 0, max_ref = 1e-300;
  for (size_t i = 0; i < count; i++) {
    max_diff = fmax(max_diff, fabs(a[i] - b[i]));
    max_ref = fmax(max_ref, fabs(b[i]));
  }
  return max_diff / max_ref;
}
static int harness_failures = 0;
static void harness_report(const char* what, double rel, double tolerance, double micros, double bytes) {
  bool ok = rel <= tolerance;
  if (!ok) harness_failures++;
  printf("%-52s rel %.2e %s  %9.2f us  %8.2f GB/s\n", what, rel, ok ? "ok  " : "FAIL", micros,
         bytes / (micros * 1e3));
}
template <typename F>
static double harness_time_cpu_us(F&& body, int repeats) {
  body();  // warm-up
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; i++) body();
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / repeats;
}
#ifdef __CUDACC__
#define HARNESS_CUDA(call)                                                                  \
  do {                                                                                      \
    cudaError_t e = (call);                                                                 \
    if (e != cudaSuccess) {                                                                 \
      fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e)); \
      exit(2);                                                                              \
    }                                                                                       \
  } while (0)
template <typename T>
static T* harness_upload(const std::vector<T>& host) {
  T* device = nullptr;
  HARNESS_CUDA(cudaMalloc(&device, host.size() * sizeof(T) + 16));
  HARNESS_CUDA(cudaMemcpy(device, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  return device;
}
template <typename T>
static std::vector<T> harness_download(const T* device, size_t count) {
  std::vector<T> host(count);
  HARNESS_CUDA(cudaMemcpy(host.data(), device, count * sizeof(T), cudaMemcpyDeviceToHost));
  return host;
}
template <typename F>
static double harness_time_cuda_us(F&& body, int repeats) {
  body();
  HARNESS_CUDA(cudaDeviceSynchronize());
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start);
  for (int i = 0; i < repeats; i++) body();
  cudaEventRecord(stop);
  HARNESS_CUDA(cudaEventSynchronize(stop));
  float ms = 0;
  cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return 1e3 * ms / repeats;
}
#endif
