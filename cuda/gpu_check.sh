#!/usr/bin/env bash
# One call on a GPU machine: build the harnesses and the C library with nvcc, run the harnesses
# (CUDA vs CPU reference, time, GB/s), then compare with torch ops and measure bandwidth against
# the card's copy rate. Logs go to $OUT when set (the device tool), else to cuda/build/.
set -uo pipefail
cd "$(dirname "$0")"
export PATH=/usr/local/cuda/bin:$PATH
LOG=${OUT:-build}; mkdir -p "$LOG"
ARCH=${CUDA_ARCH_OVERRIDE:-"-gencode arch=compute_90,code=sm_90"}
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem --format=csv | tee "$LOG/gpu.txt"
make -s -j8 harness lib-c CUDA_ARCH="$ARCH" RRS_CUDA=1 2>&1 | tee "$LOG/build.log"
status=0
make -s run-harness CUDA_ARCH="$ARCH" 2>&1 | tee "$LOG/harness.log" || status=1
PYTHONUNBUFFERED=1 python3 compare_with_torch.py 2>&1 | tee "$LOG/compare.log" || status=1
exit $status
