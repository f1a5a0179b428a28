// class_stats.cu — RRS class statistics: column means of the harmful-with-refusal-instruction and
// benign representation sets (accumulated in float64), delta = mean_harmful - mean_benign, the
// contributions c = w_t * delta for the refusal token's lm_head row, and the feature mask: c > 0,
// or the round(m * D) largest c (exact selection; equal c are ranked by lower index first).
// CPU implementation (also the harness reference), CUDA variants, launchers and -DRRS_HARNESS harness.
#include "rrs_kernels.h"

#if defined(__GNUC__) && !defined(__CUDACC__) && defined(__x86_64__)
#define RRS_CPU_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define RRS_CPU_CLONES
#endif

// How many features the top-m% mask keeps: round(fraction * d), at least one.
static inline long class_stats_top_count(double fraction, long d) {
  long k = (long)(fraction * (double)d + 0.5);
  return k < 1 ? 1 : (k > d ? d : k);
}
// Total order used by the top-m% selection: larger contribution first, then lower index.
RRS_HD bool class_stats_ranks_before(double ci, long i, double cj, long j) { return ci > cj || (ci == cj && i < j); }

static int class_stats_check(const void* harmful, long n_harmful, const void* benign, long n_benign, long d,
                             int dtype, const float* w, double top_fraction, const void* outputs_all_set) {
  RRS_REQUIRE(harmful && benign && w && outputs_all_set, "class statistics: a null pointer was passed");
  RRS_REQUIRE(n_harmful > 0 && n_benign > 0,
              "class statistics: both sets need at least one row (harmful %ld, benign %ld)", n_harmful, n_benign);
  RRS_REQUIRE(d > 0, "class statistics: feature width D must be >= 1 (got %ld)", d);
  RRS_REQUIRE(dtype == RRS_DTYPE_F32 || dtype == RRS_DTYPE_BF16, "class statistics: dtype code %d unknown", dtype);
  RRS_REQUIRE(top_fraction <= 1.0, "class statistics: top fraction %g must be <= 1 (use 0.125 for 12.5%%)",
              top_fraction);
  return 0;
}

#ifndef RRS_DEVICE_ONLY
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

template <typename T>
static inline __attribute__((always_inline)) void column_means(const T* x, long n, long d, double* mean) {
  for (long j = 0; j < d; j++) mean[j] = 0;
  for (long i = 0; i < n; i++) {
    const T* row = x + i * d;
#pragma omp simd
    for (long j = 0; j < d; j++) mean[j] += (double)rrs_load(row, j);
  }
  const double inv = 1.0 / (double)n;
  for (long j = 0; j < d; j++) mean[j] *= inv;
}
RRS_CPU_CLONES static void column_means_f32(const float* x, long n, long d, double* mean) { column_means(x, n, d, mean); }
RRS_CPU_CLONES static void column_means_bf16(const rrs_bf16* x, long n, long d, double* mean) {
  column_means(x, n, d, mean);
}

extern "C" int rrs_class_stats_cpu(const void* harmful, long n_harmful, const void* benign, long n_benign, long d,
                                   int dtype, const float* w, double top_fraction, double* mean_harmful,
                                   double* mean_benign, double* delta, double* contrib, uint8_t* mask) {
  const bool outputs = mean_harmful && mean_benign && delta && contrib && mask;
  if (class_stats_check(harmful, n_harmful, benign, n_benign, d, dtype, w, top_fraction, outputs ? w : nullptr))
    return 1;
  if (dtype == RRS_DTYPE_F32) {
    column_means_f32((const float*)harmful, n_harmful, d, mean_harmful);
    column_means_f32((const float*)benign, n_benign, d, mean_benign);
  } else {
    column_means_bf16((const rrs_bf16*)harmful, n_harmful, d, mean_harmful);
    column_means_bf16((const rrs_bf16*)benign, n_benign, d, mean_benign);
  }
  for (long j = 0; j < d; j++) {
    delta[j] = mean_harmful[j] - mean_benign[j];
    contrib[j] = (double)w[j] * delta[j];
    if (std::isnan(contrib[j]))
      return rrs_fail("class statistics: contribution %ld is NaN (a representation or lm_head row holds NaN/Inf)", j);
  }
  if (top_fraction <= 0) {
    for (long j = 0; j < d; j++) mask[j] = contrib[j] > 0 ? 1 : 0;
    return 0;
  }
  // nth_element with a strict total order selects exactly the k first features of that order.
  const long k = class_stats_top_count(top_fraction, d);
  std::vector<long> order(d);
  std::iota(order.begin(), order.end(), 0L);
  std::nth_element(order.begin(), order.begin() + (k - 1), order.end(), [&](long a, long b) {
    return class_stats_ranks_before(contrib[a], a, contrib[b], b);
  });
  memset(mask, 0, (size_t)d);
  for (long i = 0; i < k; i++) mask[order[i]] = 1;
  return 0;
}
#endif  // RRS_DEVICE_ONLY

#ifdef __CUDACC__
#include <cuda_runtime.h>

// Means variant 0: one thread per column, walking down the rows (coalesced across the warp).
template <typename T>
__global__ void column_means_per_thread(const T* x, long n, long d, double* mean) {
  long j = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (j >= d) return;
  double sum = 0;
  for (long i = 0; i < n; i++) sum += (double)rrs_load(x, i * d + j);
  mean[j] = sum / (double)n;
}

// Means variant 1: 32 columns x (blockDim/32) row slices per block, combined in shared memory;
// keeps the GPU busy when D is small and N large.
template <typename T>
__global__ void column_means_row_sliced(const T* x, long n, long d, double* mean) {
  extern __shared__ double partial[];
  const int lane = threadIdx.x & 31, slice = threadIdx.x >> 5, slices = blockDim.x >> 5;
  long j = blockIdx.x * 32L + lane;
  double sum = 0;
  if (j < d)
    for (long i = slice; i < n; i += slices) sum += (double)rrs_load(x, i * d + j);
  partial[threadIdx.x] = sum;
  __syncthreads();
  if (slice == 0 && j < d) {
    for (int s = 1; s < slices; s++) sum += partial[s * 32 + lane];
    mean[j] = sum / (double)n;
  }
}

__global__ void class_stats_contributions(const double* mean_h, const double* mean_b, const float* w, long d,
                                          bool positive_mask, double* delta, double* contrib, uint8_t* mask) {
  long j = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (j >= d) return;
  double dj = mean_h[j] - mean_b[j];
  delta[j] = dj;
  contrib[j] = (double)w[j] * dj;
  if (positive_mask) mask[j] = contrib[j] > 0 ? 1 : 0;
}

// Top-k by rank counting: rank_j = #{i ranked before j}; keep j iff rank_j < k. O(D^2) compares,
// trivially parallel and exact with the index tie-break (D = 4096 is 16M compares).
// Variant 0 reads contributions from global memory; variant 1 stages tiles in shared memory.
__global__ void top_rank_global(const double* contrib, long d, long k, uint8_t* mask) {
  long j = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (j >= d) return;
  double cj = contrib[j];
  long rank = 0;
  for (long i = 0; i < d; i++) rank += class_stats_ranks_before(contrib[i], i, cj, j);
  mask[j] = rank < k ? 1 : 0;
}
__global__ void top_rank_tiled(const double* contrib, long d, long k, uint8_t* mask) {
  extern __shared__ double tile[];
  long j = blockIdx.x * (long)blockDim.x + threadIdx.x;
  double cj = j < d ? contrib[j] : 0;
  long rank = 0;
  for (long base = 0; base < d; base += blockDim.x) {
    long i = base + threadIdx.x;
    tile[threadIdx.x] = i < d ? contrib[i] : 0;
    __syncthreads();
    long limit = d - base < (long)blockDim.x ? d - base : (long)blockDim.x;
    for (long t = 0; t < limit; t++) rank += class_stats_ranks_before(tile[t], base + t, cj, j);
    __syncthreads();
  }
  if (j < d) mask[j] = rank < k ? 1 : 0;
}

template <typename T>
static void column_means_launch(int variant, int block, const T* x, long n, long d, double* mean, cudaStream_t st) {
  if (variant == 0)
    column_means_per_thread<T><<<(unsigned)((d + block - 1) / block), block, 0, st>>>(x, n, d, mean);
  else
    column_means_row_sliced<T><<<(unsigned)((d + 31) / 32), block, block * sizeof(double), st>>>(x, n, d, mean);
}

// means_variant / rank_variant pick the kernels above; block is the block size for all of them.
static int class_stats_cuda_variant(int means_variant, int rank_variant, int block, const void* harmful,
                                    long n_harmful, const void* benign, long n_benign, long d, int dtype,
                                    const float* w, double top_fraction, double* mean_h, double* mean_b,
                                    double* delta, double* contrib, uint8_t* mask, cudaStream_t st) {
  if (dtype == RRS_DTYPE_F32) {
    column_means_launch(means_variant, block, (const float*)harmful, n_harmful, d, mean_h, st);
    column_means_launch(means_variant, block, (const float*)benign, n_benign, d, mean_b, st);
  } else {
    column_means_launch(means_variant, block, (const rrs_bf16*)harmful, n_harmful, d, mean_h, st);
    column_means_launch(means_variant, block, (const rrs_bf16*)benign, n_benign, d, mean_b, st);
  }
  unsigned grid = (unsigned)((d + block - 1) / block);
  class_stats_contributions<<<grid, block, 0, st>>>(mean_h, mean_b, w, d, top_fraction <= 0, delta, contrib, mask);
  if (top_fraction > 0) {
    long k = class_stats_top_count(top_fraction, d);
    if (rank_variant == 0)
      top_rank_global<<<grid, block, 0, st>>>(contrib, d, k, mask);
    else
      top_rank_tiled<<<grid, block, block * sizeof(double), st>>>(contrib, d, k, mask);
  }
  RRS_CUDA_CHECK(cudaGetLastError(), "class statistics: kernel launch");
  return 0;
}

extern "C" int rrs_class_stats_cuda(const void* harmful, long n_harmful, const void* benign, long n_benign, long d,
                                    int dtype, const float* w, double top_fraction, double* mean_harmful,
                                    double* mean_benign, double* delta, double* contrib, uint8_t* mask,
                                    void* stream) {
  const bool outputs = mean_harmful && mean_benign && delta && contrib && mask;
  if (class_stats_check(harmful, n_harmful, benign, n_benign, d, dtype, w, top_fraction, outputs ? w : nullptr))
    return 1;
  // NaN contributions are not detected on the device (they would rank last); the Java bridge
  // checks the returned contributions instead.
  return class_stats_cuda_variant(1, 1, 256, harmful, n_harmful, benign, n_benign, d, dtype, w, top_fraction,
                                  mean_harmful, mean_benign, delta, contrib, mask, (cudaStream_t)stream);
}
#endif  // __CUDACC__

#ifdef RRS_HARNESS
#include "harness_common.h"

template <typename T>
static void harness_case(long n, long d, double fraction, bool ties, int dtype, const char* dtype_name) {
  std::vector<float> hf = harness_random(n * d), bf = harness_random(n * d), w = harness_random(d);
  if (ties)  // integer-valued inputs make many contributions exactly equal
    for (auto* v : {&hf, &bf, &w})
      for (auto& x : *v) x = roundf(x);
  std::vector<T> harmful(n * d), benign(n * d);
  for (long i = 0; i < n * d; i++) {
    rrs_store(harmful.data(), i, hf[i]);
    rrs_store(benign.data(), i, bf[i]);
  }
  std::vector<double> mh(d), mb(d), delta(d), contrib(d);
  std::vector<uint8_t> mask(d);
  auto run_cpu = [&] {
    if (rrs_class_stats_cpu(harmful.data(), n, benign.data(), n, d, dtype, w.data(), fraction, mh.data(), mb.data(),
                            delta.data(), contrib.data(), mask.data()))
      printf("cpu failed: %s\n", rrs_error_buffer());
  };
  const double bytes = 2.0 * n * d * sizeof(T) + d * (4 + 4 * 8 + 1);
  char label[160];
  snprintf(label, sizeof label, "cpu %s N=%ld D=%ld top=%g%s", dtype_name, n, d, fraction, ties ? " ties" : "");
  harness_report(label, 0, 0, harness_time_cpu_us(run_cpu, 5), bytes);
#ifdef __CUDACC__
  T *dh = harness_upload(harmful), *db = harness_upload(benign);
  float* dw = harness_upload(w);
  double* dout = harness_upload(std::vector<double>(4 * d));
  uint8_t* dmask = harness_upload(std::vector<uint8_t>(d));
  for (int means_variant = 0; means_variant < 2; means_variant++)
    for (int rank_variant = 0; rank_variant < 2; rank_variant++)
      for (int block : {64, 128, 256, 512, 1024}) {
        auto run = [&] {
          class_stats_cuda_variant(means_variant, rank_variant, block, dh, n, db, n, d, dtype, dw, fraction, dout,
                                   dout + d, dout + 2 * d, dout + 3 * d, dmask, 0);
        };
        run();
        std::vector<double> out = harness_download(dout, 4 * d);
        std::vector<uint8_t> got = harness_download(dmask, d);
        double rel = fmax(harness_rel_diff(out.data(), mh.data(), d), harness_rel_diff(out.data() + d, mb.data(), d));
        rel = fmax(rel, harness_rel_diff(out.data() + 3 * d, contrib.data(), d));
        long mask_mismatches = 0;
        for (long j = 0; j < d; j++) mask_mismatches += got[j] != mask[j];
        if (mask_mismatches) rel = 1.0;  // the mask must match exactly
        snprintf(label, sizeof label, "cuda means%d rank%d %s N=%ld D=%ld top=%g blk=%d", means_variant,
                 rank_variant, dtype_name, n, d, fraction, block);
        harness_report(label, rel, 1e-12, harness_time_cuda_us(run, 20), bytes);
      }
  cudaFree(dh); cudaFree(db); cudaFree(dw); cudaFree(dout); cudaFree(dmask);
#endif
}

int main() {
  printf("class statistics harness (means/contributions rel diff; any mask mismatch counts as rel 1)\n");
  harness_case<float>(1, 1, 0, false, RRS_DTYPE_F32, "f32 ");
  harness_case<float>(3, 37, 0.25, true, RRS_DTYPE_F32, "f32 ");
  harness_case<float>(350, 4096, 0, false, RRS_DTYPE_F32, "f32 ");
  harness_case<float>(350, 4096, 0.125, true, RRS_DTYPE_F32, "f32 ");
  harness_case<rrs_bf16>(350, 4099, 0.5, false, RRS_DTYPE_BF16, "bf16");
  harness_case<rrs_bf16>(2048, 4096, 0.25, true, RRS_DTYPE_BF16, "bf16");
  printf(harness_failures ? "FAILED: %d checks\n" : "all checks passed\n", harness_failures);
  return harness_failures ? 1 : 0;
}
#endif  // RRS_HARNESS
