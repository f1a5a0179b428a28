// rrs_runtime.cu — library-wide entry points: the last error, whether this build has CUDA, and
// the CUDA device count/selection. Compiled with g++ for the CPU-only library (no CUDA answers)
// and with nvcc for the CUDA library (cudart is linked statically, so loading the library never
// needs a CUDA driver; a machine without one simply reports zero devices).
#include "rrs_kernels.h"
#ifdef __CUDACC__
#include <cuda_runtime.h>
#endif

extern "C" const char* rrs_last_error(void) { return rrs_error_buffer(); }

extern "C" int rrs_cuda_built(void) {
#ifdef __CUDACC__
  return 1;
#else
  return 0;
#endif
}

extern "C" int rrs_cuda_device_count(void) {
#ifdef __CUDACC__
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error so later queries start clean
    return 0;
  }
  return count;
#else
  return 0;
#endif
}

// Makes `device` current for this thread before a launch; tensors on cuda:1 run on cuda:1.
extern "C" int rrs_cuda_use_device(int device) {
#ifdef __CUDACC__
  RRS_CUDA_CHECK(cudaSetDevice(device), "selecting the tensor's CUDA device");
  return 0;
#else
  return rrs_fail("librrs_kernels.so was built without CUDA (no nvcc at build time); device %d unusable", device);
#endif
}
