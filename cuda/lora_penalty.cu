// lora_penalty.cu — the LoRA penalty of RRS in Gram form, for all adapters in one call:
//   P = sum_i s_i^2 * sum((B_i^T B_i) o (A_i A_i^T)) = sum_i ||s_i B_i A_i||_F^2
//   dP/dA = 2 s^2 (B^T B) A,   dP/dB = 2 s^2 B (A A^T)
// costing r^2 (m + n) per adapter instead of r m n for materialising s B A. CPU implementation
// (also the harness reference), CUDA variants batched over all adapters in one launch sequence
// (Grams -> penalty -> gradients), launchers, and the -DRRS_HARNESS harness. Float32 parameters;
// Grams accumulate in float64. CUDA supports rank <= 64 (shared-memory tiles).
#include "rrs_kernels.h"

#if defined(__GNUC__) && !defined(__CUDACC__) && defined(__x86_64__)
#define RRS_CPU_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define RRS_CPU_CLONES
#endif

static const int kLoraMaxCudaRank = 64;

static int lora_penalty_check(const rrs_lora_adapter* adapters, int count, const float* penalty, int max_rank) {
  RRS_REQUIRE(penalty && (adapters || count == 0), "LoRA penalty: a null pointer was passed");
  RRS_REQUIRE(count >= 0, "LoRA penalty: negative adapter count %d", count);
  for (int i = 0; i < count; i++) {
    const rrs_lora_adapter& ad = adapters[i];
    RRS_REQUIRE(ad.a && ad.b && ad.grad_a && ad.grad_b, "LoRA penalty: adapter %d has a null pointer", i);
    RRS_REQUIRE(ad.rank >= 1 && ad.out_features >= 1 && ad.in_features >= 1,
                "LoRA penalty: adapter %d has rank %d, out %ld, in %ld; all must be >= 1", i, ad.rank,
                ad.out_features, ad.in_features);
    RRS_REQUIRE(ad.rank <= max_rank, "LoRA penalty: adapter %d has rank %d; this path supports rank <= %d", i,
                ad.rank, max_rank);
  }
  return 0;
}

#ifndef RRS_DEVICE_ONLY
#include <vector>

// Returns ||s B A||_F^2 and writes both gradients; gram_a, gram_b are r x r scratch.
RRS_CPU_CLONES static double lora_penalty_one(const rrs_lora_adapter& ad, double* gram_a, double* gram_b,
                                              float* coeff) {
  const int r = ad.rank;
  const long m = ad.out_features, n = ad.in_features;
  for (int i = 0; i < r; i++)  // A A^T: dot products of A's rows, symmetric
    for (int k = i; k < r; k++) {
      const float *ai = ad.a + (long)i * n, *ak = ad.a + (long)k * n;
      double acc = 0;
#pragma omp simd reduction(+ : acc)
      for (long j = 0; j < n; j++) acc += (double)ai[j] * (double)ak[j];
      gram_a[i * r + k] = gram_a[k * r + i] = acc;
    }
  for (int t = 0; t < r * r; t++) gram_b[t] = 0;
  for (long row = 0; row < m; row++) {  // B^T B: sum of the outer products of B's rows
    const float* b_row = ad.b + row * r;
    for (int i = 0; i < r; i++) {
      const double bi = b_row[i];
#pragma omp simd
      for (int k = 0; k < r; k++) gram_b[i * r + k] += bi * (double)b_row[k];
    }
  }
  const double s2 = (double)ad.scale * (double)ad.scale;
  double penalty = 0;
  for (int t = 0; t < r * r; t++) penalty += gram_b[t] * gram_a[t];
  // dA = 2 s^2 (B^T B) A, row by row as axpys over the long dimension.
  for (int t = 0; t < r * r; t++) coeff[t] = (float)(2.0 * s2 * gram_b[t]);
  for (int i = 0; i < r; i++) {
    float* out = ad.grad_a + (long)i * n;
    for (long j = 0; j < n; j++) out[j] = 0;
    for (int k = 0; k < r; k++) {
      const float c = coeff[i * r + k];
      const float* ak = ad.a + (long)k * n;
#pragma omp simd
      for (long j = 0; j < n; j++) out[j] += c * ak[j];
    }
  }
  // dB = 2 s^2 B (A A^T): each output row is B's row times an r x r matrix.
  for (int t = 0; t < r * r; t++) coeff[t] = (float)(2.0 * s2 * gram_a[t]);
  for (long row = 0; row < m; row++) {
    const float* b_row = ad.b + row * r;
    float* out = ad.grad_b + row * r;
    for (int i = 0; i < r; i++) out[i] = 0;
    for (int k = 0; k < r; k++) {
      const float bk = b_row[k];
#pragma omp simd
      for (int i = 0; i < r; i++) out[i] += bk * coeff[k * r + i];
    }
  }
  return s2 * penalty;
}

extern "C" int rrs_lora_penalty_cpu(const rrs_lora_adapter* adapters, int count, float* penalty) {
  if (lora_penalty_check(adapters, count, penalty, 1 << 20)) return 1;
  double total = 0;
  std::vector<double> grams;
  std::vector<float> coeff;
  for (int i = 0; i < count; i++) {
    const size_t rr = (size_t)adapters[i].rank * adapters[i].rank;
    if (grams.size() < 2 * rr) grams.resize(2 * rr), coeff.resize(rr);
    total += lora_penalty_one(adapters[i], grams.data(), grams.data() + rr, coeff.data());
  }
  *penalty = (float)total;
  return 0;
}
#endif  // RRS_DEVICE_ONLY

#ifdef __CUDACC__
#include <cuda_runtime.h>
#include <vector>

// Per-adapter device descriptor: the adapter plus where its r x r blocks sit in the workspace.
struct LoraDeviceAdapter {
  rrs_lora_adapter ad;
  long gram_offset;  // into the double Gram workspace (2 r^2 per adapter: A A^T then B^T B)
};
static const int kGramChunk = 128;  // columns of A (rows of B) per block in the Gram kernel

// Gram kernel, grid (chunk, adapter, which): which 0 -> A A^T over A's columns, 1 -> B^T B over
// B's rows. A chunk is staged as an r x kGramChunk tile; each thread owns some (i <= k) pairs.
__global__ void lora_gram_chunks(const LoraDeviceAdapter* adapters, double* grams) {
  extern __shared__ float tile[];
  const LoraDeviceAdapter& d = adapters[blockIdx.y];
  const int r = d.ad.rank, which = blockIdx.z;
  const long length = which == 0 ? d.ad.in_features : d.ad.out_features;
  const long start = (long)blockIdx.x * kGramChunk;
  if (start >= length) return;
  const int width = (int)(length - start < kGramChunk ? length - start : kGramChunk);
  for (int e = threadIdx.x; e < r * kGramChunk; e += blockDim.x) {
    int i, t;
    float v = 0;
    if (which == 0) {  // A row-major r x n: consecutive threads read consecutive columns
      i = e / kGramChunk, t = e % kGramChunk;
      if (t < width) v = d.ad.a[(long)i * d.ad.in_features + start + t];
    } else {  // B row-major m x r: consecutive threads read consecutive entries of B's rows
      t = e / r, i = e % r;
      if (t < width) v = d.ad.b[(start + t) * r + i];
    }
    tile[i * kGramChunk + t] = v;
  }
  __syncthreads();
  double* gram = grams + d.gram_offset + (long)which * r * r;
  const int pairs = r * (r + 1) / 2;
  for (int p = threadIdx.x; p < pairs; p += blockDim.x) {
    int i = 0, rest = p;  // unrank p into (i, k) with i <= k
    while (rest >= r - i) rest -= r - i, i++;
    const int k = i + rest;
    float acc = 0;
    for (int t = 0; t < width; t++) acc += tile[i * kGramChunk + t] * tile[k * kGramChunk + t];
    atomicAdd(&gram[i * r + k], (double)acc);
    if (i != k) atomicAdd(&gram[k * r + i], (double)acc);
  }
}

// One block per adapter: penalty term, then both Grams turned into float gradient coefficients
// 2 s^2 G in place of the doubles' low halves (coefficient workspace follows the Gram workspace).
__global__ void lora_penalty_terms(const LoraDeviceAdapter* adapters, const double* grams, float* coeffs,
                                   float* penalty) {
  __shared__ double partial[256];
  const LoraDeviceAdapter& d = adapters[blockIdx.x];
  const int rr = d.ad.rank * d.ad.rank;
  const double s2 = (double)d.ad.scale * d.ad.scale;
  const double* gram_a = grams + d.gram_offset;
  double sum = 0;
  for (int t = threadIdx.x; t < rr; t += blockDim.x) {
    sum += gram_a[t] * gram_a[rr + t];
    coeffs[d.gram_offset + t] = (float)(2.0 * s2 * gram_a[t]);            // for dB
    coeffs[d.gram_offset + rr + t] = (float)(2.0 * s2 * gram_a[rr + t]);  // for dA
  }
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int step = blockDim.x / 2; step > 0; step >>= 1) {
    if (threadIdx.x < step) partial[threadIdx.x] += partial[threadIdx.x + step];
    __syncthreads();
  }
  if (threadIdx.x == 0) atomicAdd(penalty, (float)(s2 * partial[0]));
}

// Gradient kernels, grid (chunk, adapter, which): which 0 -> dA (r x n), 1 -> dB (m x r).
// Variant 0: one thread per column of A / row of B, the r inputs held in registers.
__global__ void lora_grads_per_line(const LoraDeviceAdapter* adapters, const float* coeffs) {
  __shared__ float coeff[kLoraMaxCudaRank * kLoraMaxCudaRank];
  const LoraDeviceAdapter& d = adapters[blockIdx.y];
  const int r = d.ad.rank, rr = r * r, which = blockIdx.z;
  const long n = d.ad.in_features, m = d.ad.out_features;
  for (int t = threadIdx.x; t < rr; t += blockDim.x) coeff[t] = coeffs[d.gram_offset + (which == 0 ? rr : 0) + t];
  __syncthreads();
  const long line = (long)blockIdx.x * blockDim.x + threadIdx.x;
  float in[kLoraMaxCudaRank];
  if (which == 0 && line < n) {
    for (int k = 0; k < r; k++) in[k] = d.ad.a[(long)k * n + line];
    for (int i = 0; i < r; i++) {
      float acc = 0;
      for (int k = 0; k < r; k++) acc += coeff[i * r + k] * in[k];
      d.ad.grad_a[(long)i * n + line] = acc;
    }
  } else if (which == 1 && line < m) {
    for (int k = 0; k < r; k++) in[k] = d.ad.b[line * r + k];
    for (int i = 0; i < r; i++) {
      float acc = 0;
      for (int k = 0; k < r; k++) acc += in[k] * coeff[k * r + i];
      d.ad.grad_b[line * r + i] = acc;
    }
  }
}
// Variant 1: one thread per output element (fully coalesced stores, more redundant loads).
__global__ void lora_grads_per_element(const LoraDeviceAdapter* adapters, const float* coeffs) {
  __shared__ float coeff[kLoraMaxCudaRank * kLoraMaxCudaRank];
  const LoraDeviceAdapter& d = adapters[blockIdx.y];
  const int r = d.ad.rank, rr = r * r, which = blockIdx.z;
  const long n = d.ad.in_features, m = d.ad.out_features;
  for (int t = threadIdx.x; t < rr; t += blockDim.x) coeff[t] = coeffs[d.gram_offset + (which == 0 ? rr : 0) + t];
  __syncthreads();
  const long e = (long)blockIdx.x * blockDim.x + threadIdx.x;
  float acc = 0;
  if (which == 0 && e < (long)r * n) {
    const long i = e / n, j = e % n;
    for (int k = 0; k < r; k++) acc += coeff[i * r + k] * d.ad.a[(long)k * n + j];
    d.ad.grad_a[e] = acc;
  } else if (which == 1 && e < m * r) {
    const long row = e / r, i = e % r;
    for (int k = 0; k < r; k++) acc += d.ad.b[row * r + k] * coeff[k * r + i];
    d.ad.grad_b[e] = acc;
  }
}

static int lora_penalty_cuda_variant(int variant, int block, const rrs_lora_adapter* adapters, int count,
                                     float* penalty, cudaStream_t st) {
  RRS_CUDA_CHECK(cudaMemsetAsync(penalty, 0, sizeof(float), st), "LoRA penalty: clearing the penalty");
  if (count == 0) return 0;
  std::vector<LoraDeviceAdapter> host(count);
  long gram_total = 0, longest = 0, max_rank = 1;
  for (int i = 0; i < count; i++) {
    const rrs_lora_adapter& ad = adapters[i];
    host[i] = {ad, gram_total};
    gram_total += 2L * ad.rank * ad.rank;
    long line = ad.in_features > ad.out_features ? ad.in_features : ad.out_features;
    if (variant == 1) line *= ad.rank;
    longest = line > longest ? line : longest;
    max_rank = ad.rank > max_rank ? ad.rank : max_rank;
  }
  // One allocation: descriptors, double Grams, float coefficients (stream-ordered, freed after use).
  const size_t desc_bytes = ((count * sizeof(LoraDeviceAdapter) + 255) / 256) * 256;
  char* workspace = nullptr;
  RRS_CUDA_CHECK(cudaMallocAsync((void**)&workspace, desc_bytes + gram_total * (sizeof(double) + sizeof(float)), st),
                 "LoRA penalty: workspace allocation");
  auto* device_adapters = (LoraDeviceAdapter*)workspace;
  auto* grams = (double*)(workspace + desc_bytes);
  auto* coeffs = (float*)(grams + gram_total);
  cudaMemcpyAsync(device_adapters, host.data(), count * sizeof(LoraDeviceAdapter), cudaMemcpyHostToDevice, st);
  cudaMemsetAsync(grams, 0, gram_total * sizeof(double), st);
  long max_long_dim = 0;
  for (int i = 0; i < count; i++) {
    long l = adapters[i].in_features > adapters[i].out_features ? adapters[i].in_features : adapters[i].out_features;
    max_long_dim = l > max_long_dim ? l : max_long_dim;
  }
  dim3 gram_grid((unsigned)((max_long_dim + kGramChunk - 1) / kGramChunk), (unsigned)count, 2);
  lora_gram_chunks<<<gram_grid, block, max_rank * kGramChunk * sizeof(float), st>>>(device_adapters, grams);
  lora_penalty_terms<<<count, 256, 0, st>>>(device_adapters, grams, coeffs, penalty);
  dim3 grad_grid((unsigned)((longest + block - 1) / block), (unsigned)count, 2);
  if (variant == 0)
    lora_grads_per_line<<<grad_grid, block, 0, st>>>(device_adapters, coeffs);
  else
    lora_grads_per_element<<<grad_grid, block, 0, st>>>(device_adapters, coeffs);
  cudaError_t launch = cudaGetLastError();
  cudaFreeAsync(workspace, st);
  RRS_CUDA_CHECK(launch, "LoRA penalty: kernel launch");
  return 0;
}

extern "C" int rrs_lora_penalty_cuda(const rrs_lora_adapter* adapters, int count, float* penalty, void* stream) {
  if (lora_penalty_check(adapters, count, penalty, kLoraMaxCudaRank)) return 1;
  return lora_penalty_cuda_variant(1, 256, adapters, count, penalty, (cudaStream_t)stream);
}
#endif  // __CUDACC__

#ifdef RRS_HARNESS
#include "harness_common.h"

// Adapters of the given shapes (m, n) at rank r; every variant and block size against the CPU.
static void harness_case(const char* name, const std::vector<std::pair<long, long>>& shapes, int r) {
  const int count = (int)shapes.size();
  std::vector<std::vector<float>> a(count), b(count), ga(count), gb(count);
  std::vector<rrs_lora_adapter> cpu(count);
  double bytes = 0;
  for (int i = 0; i < count; i++) {
    long m = shapes[i].first, n = shapes[i].second;
    a[i] = harness_random(r * n, 0.02f), b[i] = harness_random(m * r, 0.02f);
    ga[i].resize(r * n), gb[i].resize(m * r);
    cpu[i] = {a[i].data(), b[i].data(), ga[i].data(), gb[i].data(), r, m, n, 0.25f};
    bytes += 8.0 * r * (m + n);  // read A and B, write both gradients
  }
  float penalty_ref = 0;
  double us = harness_time_cpu_us([&] { rrs_lora_penalty_cpu(cpu.data(), count, &penalty_ref); }, 3);
  char label[160];
  snprintf(label, sizeof label, "cpu %s (%d adapters, r=%d)", name, count, r);
  harness_report(label, 0, 0, us, bytes);
#ifdef __CUDACC__
  std::vector<rrs_lora_adapter> dev(count);
  for (int i = 0; i < count; i++)
    dev[i] = {harness_upload(a[i]), harness_upload(b[i]), harness_upload(ga[i]), harness_upload(gb[i]), r,
              cpu[i].out_features, cpu[i].in_features, 0.25f};
  float* dpen = harness_upload(std::vector<float>(1));
  for (int variant = 0; variant < 2; variant++)
    for (int block : {64, 128, 256, 512}) {
      auto run = [&] { lora_penalty_cuda_variant(variant, block, dev.data(), count, dpen, 0); };
      run();
      double rel = fabs(harness_download(dpen, 1)[0] - penalty_ref) / fabs(penalty_ref);
      for (int i = 0; i < count; i++) {
        rel = fmax(rel, harness_rel_diff(harness_download(dev[i].grad_a, ga[i].size()).data(), ga[i].data(), ga[i].size()));
        rel = fmax(rel, harness_rel_diff(harness_download(dev[i].grad_b, gb[i].size()).data(), gb[i].data(), gb[i].size()));
      }
      snprintf(label, sizeof label, "cuda %s %s block=%d", variant ? "per-element" : "per-line", name, block);
      harness_report(label, rel, 1e-5, harness_time_cuda_us(run, 10), bytes);
    }
  for (auto& d : dev) cudaFree((void*)d.a), cudaFree((void*)d.b), cudaFree(d.grad_a), cudaFree(d.grad_b);
  cudaFree(dpen);
#endif
}

int main() {
  printf("LoRA Gram penalty harness (rel: max over penalty and all gradients)\n");
  harness_case("tiny odd shapes", {{1, 1}, {3, 5}, {17, 9}}, 1);
  harness_case("odd shapes", {{33, 70}, {129, 7}}, 5);
  // One Qwen2-Audio-7B decoder layer: q, k, v, o (4096 x 4096), gate, up (11008 x 4096), down (4096 x 11008).
  std::vector<std::pair<long, long>> layer = {{4096, 4096}, {4096, 4096}, {4096, 4096}, {4096, 4096},
                                              {11008, 4096}, {11008, 4096}, {4096, 11008}};
  harness_case("Qwen2-Audio-7B layer", layer, 16);
  std::vector<std::pair<long, long>> model;
  for (int l = 0; l < 32; l++) model.insert(model.end(), layer.begin(), layer.end());
  harness_case("Qwen2-Audio-7B 32 layers", model, 16);
  printf(harness_failures ? "FAILED: %d checks\n" : "all checks passed\n", harness_failures);
  return harness_failures ? 1 : 0;
}
#endif  // RRS_HARNESS
