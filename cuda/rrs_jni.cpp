// rrs_jni.cpp — the JNI bridge behind io.rrs.kernels.NativeKernels. Java passes raw data pointers
// (already checked for shape, dtype, device and contiguity on the Java side), a device index (-1 for
// CPU) and a CUDA stream; this file only dispatches to the CPU or CUDA entry point and turns a
// non-zero return into an io.rrs.kernels.KernelException carrying the kernel's message.
#include <jni.h>
#include <vector>
#include "rrs_kernels.h"

extern "C" int rrs_cuda_use_device(int device);

namespace {
void throw_kernel_error(JNIEnv* env, const char* message) {
  jclass type = env->FindClass("io/rrs/kernels/KernelException");
  if (type == nullptr) return;  // NoClassDefFoundError is already pending
  env->ThrowNew(type, message);
}
// Runs the CPU or the CUDA entry point; both return 0 on success.
template <typename Cpu, typename Cuda>
void dispatch(JNIEnv* env, jint device, Cpu cpu, Cuda cuda) {
  int status;
  if (device < 0) {
    status = cpu();
  } else {
#ifdef RRS_WITH_CUDA
    status = rrs_cuda_use_device(device);
    if (status == 0) status = cuda();
#else
    (void)cuda;
    status = rrs_fail("librrs_kernels.so was built without CUDA, but the tensors are on cuda:%d; rebuild with "
                      "nvcc on the PATH or move the tensors to the CPU", (int)device);
#endif
  }
  if (status != 0) throw_kernel_error(env, rrs_last_error());
}
template <typename T>
T* ptr(jlong address) {
  return reinterpret_cast<T*>(static_cast<intptr_t>(address));
}
}  // namespace

#ifndef RRS_WITH_CUDA  // CPU build: the CUDA symbols are never called, but must link
extern "C" int rrs_class_stats_cuda(const void*, long, const void*, long, long, int, const float*, double, double*,
                                    double*, double*, double*, uint8_t*, void*) { return 1; }
extern "C" int rrs_reshape_loss_cuda(const void*, const void*, const float*, const float*, long, long, int, float*,
                                     void*, void*) { return 1; }
extern "C" int rrs_lora_penalty_cuda(const rrs_lora_adapter*, int, float*, void*) { return 1; }
#endif

extern "C" {
JNIEXPORT jboolean JNICALL Java_io_rrs_kernels_NativeKernels_cudaBuilt(JNIEnv*, jclass) {
  return rrs_cuda_built() ? JNI_TRUE : JNI_FALSE;
}
JNIEXPORT jint JNICALL Java_io_rrs_kernels_NativeKernels_cudaDeviceCount(JNIEnv*, jclass) {
  return rrs_cuda_device_count();
}

JNIEXPORT void JNICALL Java_io_rrs_kernels_NativeKernels_reshapeLoss(JNIEnv* env, jclass, jint device,
                                                                     jlong stream, jlong h, jlong h0, jlong sign,
                                                                     jlong delta_m, jlong b, jlong d, jint dtype,
                                                                     jlong loss, jlong grad) {
  dispatch(
      env, device,
      [&] { return rrs_reshape_loss_cpu(ptr<void>(h), ptr<void>(h0), ptr<float>(sign), ptr<float>(delta_m), b, d,
                                        dtype, ptr<float>(loss), ptr<void>(grad)); },
      [&] { return rrs_reshape_loss_cuda(ptr<void>(h), ptr<void>(h0), ptr<float>(sign), ptr<float>(delta_m), b, d,
                                         dtype, ptr<float>(loss), ptr<void>(grad), ptr<void>(stream)); });
}

JNIEXPORT void JNICALL Java_io_rrs_kernels_NativeKernels_classStatistics(
    JNIEnv* env, jclass, jint device, jlong stream, jlong harmful, jlong n_harmful, jlong benign, jlong n_benign,
    jlong d, jint dtype, jlong lm_head_row, jdouble top_fraction, jlong mean_harmful, jlong mean_benign,
    jlong delta, jlong contrib, jlong mask) {
  dispatch(
      env, device,
      [&] { return rrs_class_stats_cpu(ptr<void>(harmful), n_harmful, ptr<void>(benign), n_benign, d, dtype,
                                       ptr<float>(lm_head_row), top_fraction, ptr<double>(mean_harmful),
                                       ptr<double>(mean_benign), ptr<double>(delta), ptr<double>(contrib),
                                       ptr<uint8_t>(mask)); },
      [&] { return rrs_class_stats_cuda(ptr<void>(harmful), n_harmful, ptr<void>(benign), n_benign, d, dtype,
                                        ptr<float>(lm_head_row), top_fraction, ptr<double>(mean_harmful),
                                        ptr<double>(mean_benign), ptr<double>(delta), ptr<double>(contrib),
                                        ptr<uint8_t>(mask), ptr<void>(stream)); });
}

JNIEXPORT void JNICALL Java_io_rrs_kernels_NativeKernels_loraPenalty(JNIEnv* env, jclass, jint device, jlong stream,
                                                                     jlongArray a, jlongArray b, jlongArray grad_a,
                                                                     jlongArray grad_b, jintArray rank,
                                                                     jlongArray out_features,
                                                                     jlongArray in_features, jfloatArray scale,
                                                                     jlong penalty) {
  const jsize count = env->GetArrayLength(a);
  std::vector<jlong> av(count), bv(count), gav(count), gbv(count), mv(count), nv(count);
  std::vector<jint> rv(count);
  std::vector<jfloat> sv(count);
  env->GetLongArrayRegion(a, 0, count, av.data());
  env->GetLongArrayRegion(b, 0, count, bv.data());
  env->GetLongArrayRegion(grad_a, 0, count, gav.data());
  env->GetLongArrayRegion(grad_b, 0, count, gbv.data());
  env->GetLongArrayRegion(out_features, 0, count, mv.data());
  env->GetLongArrayRegion(in_features, 0, count, nv.data());
  env->GetIntArrayRegion(rank, 0, count, rv.data());
  env->GetFloatArrayRegion(scale, 0, count, sv.data());
  if (env->ExceptionCheck()) return;  // an array shorter than `a`: ArrayIndexOutOfBounds is pending
  std::vector<rrs_lora_adapter> adapters(count);
  for (jsize i = 0; i < count; i++)
    adapters[i] = {ptr<float>(av[i]), ptr<float>(bv[i]), ptr<float>(gav[i]), ptr<float>(gbv[i]), rv[i], mv[i], nv[i],
                   sv[i]};
  dispatch(
      env, device, [&] { return rrs_lora_penalty_cpu(adapters.data(), count, ptr<float>(penalty)); },
      [&] { return rrs_lora_penalty_cuda(adapters.data(), count, ptr<float>(penalty), ptr<void>(stream)); });
}
}  // extern "C"
