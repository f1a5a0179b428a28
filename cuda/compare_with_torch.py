#!/usr/bin/env python3
"""CUDA kernels vs torch ops on the GPU, and the reshape loss's bandwidth vs the card's copy rate.

Loads the C API of the CUDA build (`make -C cuda lib-c` -> cuda/build/cuda/librrs_kernels_c.so)
with ctypes, runs each kernel on torch CUDA tensors (torch's current stream) and compares with
the same function written in torch ops (float64 where the kernel accumulates in float64). Then
times the fused reshape loss at sizes from Qwen2-Audio-7B (B=8, D=4096) up to bandwidth-bound
ones and reports achieved GB/s against a device-to-device copy measured in the same run.
Exits non-zero if a comparison fails. Needs a GPU, torch with CUDA and the library.
"""
import ctypes
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.environ.get("RRS_KERNELS_C", os.path.join(HERE, "build", "cuda", "librrs_kernels_c.so"))
F32, BF16 = 0, 1


class Adapter(ctypes.Structure):  # rrs_lora_adapter, field order of rrs_kernels.h
    _fields_ = [("a", ctypes.c_void_p), ("b", ctypes.c_void_p), ("grad_a", ctypes.c_void_p),
                ("grad_b", ctypes.c_void_p), ("rank", ctypes.c_int), ("out_features", ctypes.c_long),
                ("in_features", ctypes.c_long), ("scale", ctypes.c_float)]


lib = ctypes.CDLL(LIB)
lib.rrs_last_error.restype = ctypes.c_char_p
P, L, D = ctypes.c_void_p, ctypes.c_long, ctypes.c_double
lib.rrs_reshape_loss_cuda.argtypes = [P, P, P, P, L, L, ctypes.c_int, P, P, P]
lib.rrs_class_stats_cuda.argtypes = [P, L, P, L, L, ctypes.c_int, P, D, P, P, P, P, P, P]
lib.rrs_lora_penalty_cuda.argtypes = [ctypes.POINTER(Adapter), ctypes.c_int, P, P]
failures = []


def ptr(t):
    return ctypes.c_void_p(t.data_ptr())


def stream():
    return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)


def check(rc):
    if rc != 0:
        raise RuntimeError(lib.rrs_last_error().decode())


def report(what, got, want, tol):
    rel = ((got.double() - want.double()).abs().max() / want.double().abs().max().clamp_min(1e-30)).item()
    ok = rel <= tol
    print(f"{what:58s} rel {rel:.2e} {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(what)


def reshape_loss(h, h0, sign, dm):
    loss = torch.zeros(1, device="cuda", dtype=torch.float32)
    grad = torch.empty_like(h)
    check(lib.rrs_reshape_loss_cuda(ptr(h), ptr(h0), ptr(sign), ptr(dm), h.shape[0], h.shape[1],
                                    BF16 if h.dtype == torch.bfloat16 else F32, ptr(loss), ptr(grad), stream()))
    return loss, grad


def check_reshape_loss():
    for b, d in [(1, 1), (1, 4099), (8, 4096), (3, 7), (64, 3584), (8, 4097)]:
        for dtype in (torch.float32, torch.bfloat16):
            h = torch.randn(b, d, device="cuda").to(dtype)
            h0 = torch.randn(b, d, device="cuda").to(dtype)
            sign = (torch.randint(0, 2, (b,), device="cuda") * 2 - 1).float()
            dm = torch.randn(d, device="cuda")
            loss, grad = reshape_loss(h, h0, sign, dm)
            hr = h.float().requires_grad_(True)
            ref = ((hr - h0.float() - sign[:, None] * dm) ** 2).mean()
            ref.backward()
            tol = 1e-5 if dtype == torch.float32 else 8e-3  # bf16 grads round to 8 bits of mantissa
            report(f"reshape loss value  B={b} D={d} {str(dtype)[6:]}", loss, ref.detach().reshape(1), 1e-5)
            report(f"reshape loss dL/dH  B={b} D={d} {str(dtype)[6:]}", grad.float(), hr.grad, tol)


def check_class_stats():
    for n1, n2, d, top in [(5, 7, 33, 0.0), (700, 600, 4096, 0.0), (64, 64, 4096, 0.125), (3, 3, 10, 0.5)]:
        harm = torch.randn(n1, d, device="cuda")
        ben = torch.randn(n2, d, device="cuda")
        w = torch.randn(d, device="cuda")
        if top == 0.5:  # ties: equal contributions everywhere
            harm = torch.ones(n1, d, device="cuda")
            ben = torch.zeros(n2, d, device="cuda")
            w = torch.ones(d, device="cuda")
        outs = [torch.empty(d, dtype=torch.float64, device="cuda") for _ in range(4)]
        mask = torch.empty(d, dtype=torch.uint8, device="cuda")
        check(lib.rrs_class_stats_cuda(ptr(harm), n1, ptr(ben), n2, d, F32, ptr(w), top,
                                       *[ptr(o) for o in outs], ptr(mask), stream()))
        mh, mb = harm.double().mean(0), ben.double().mean(0)
        delta = mh - mb
        contrib = w.double() * delta
        if top <= 0:
            ref_mask = contrib > 0
        else:
            k = max(1, round(top * d))
            order = sorted(range(d), key=lambda j: (-contrib[j].item(), j))
            ref_mask = torch.zeros(d, dtype=torch.bool)
            ref_mask[order[:k]] = True
        report(f"class stats delta   N={n1}/{n2} D={d} top={top}", outs[2], delta, 1e-12)
        report(f"class stats contrib N={n1}/{n2} D={d} top={top}", outs[3], contrib, 1e-12)
        same = torch.equal(mask.bool().cpu(), ref_mask.cpu())
        print(f"{'class stats mask    N=%d/%d D=%d top=%s' % (n1, n2, d, top):58s} {'ok' if same else 'FAIL'}")
        if not same:
            failures.append("mask")


def check_lora_penalty():
    shapes = [(16, 4096, 4096), (16, 11008, 4096), (16, 4096, 11008), (1, 5, 3), (8, 33, 17)]
    s = 4.0 / 16
    adapters, tensors, ref = [], [], 0.0
    for r, m, n in shapes:
        a = (torch.randn(r, n, device="cuda") * 0.02)
        b = (torch.randn(m, r, device="cuda") * 0.02)
        ga, gb = torch.empty_like(a), torch.empty_like(b)
        tensors.append((a, b, ga, gb))
        adapters.append(Adapter(a.data_ptr(), b.data_ptr(), ga.data_ptr(), gb.data_ptr(), r, m, n, s))
    penalty = torch.zeros(1, device="cuda")
    arr = (Adapter * len(adapters))(*adapters)
    check(lib.rrs_lora_penalty_cuda(arr, len(adapters), ptr(penalty), stream()))
    total = 0
    for (a, b, ga, gb) in tensors:
        ar, br = a.double().requires_grad_(True), b.double().requires_grad_(True)
        p = ((s * br @ ar) ** 2).sum()  # materialised, the definition
        p.backward()
        total = total + p.detach()
        report(f"lora penalty dA     {tuple(a.shape)} x {tuple(b.shape)}", ga, ar.grad, 1e-5)
        report(f"lora penalty dB     {tuple(a.shape)} x {tuple(b.shape)}", gb, br.grad, 1e-5)
    report("lora penalty value (all adapters)", penalty.double(), total.reshape(1), 1e-5)


def time_ms(fn, reps):
    fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    best = float("inf")
    for _ in range(5):
        start.record()
        for _ in range(reps):
            fn()
        end.record()
        torch.cuda.synchronize()
        best = min(best, start.elapsed_time(end) / reps)
    return best


def bandwidth():
    n = 1 << 28  # 1 GiB of float32
    x, y = torch.empty(n, device="cuda"), torch.empty(n, device="cuda")
    ms = time_ms(lambda: y.copy_(x), 20)
    copy_gbs = 2 * n * 4 / ms / 1e6
    print(f"\ndevice-to-device copy (1 GiB): {copy_gbs:.0f} GB/s (read + write)")
    print(f"{'reshape loss B x D':28s} {'dtype':8s} {'fused us':>9s} {'GB/s':>7s} {'of copy':>8s} {'torch ops us':>13s} {'speed-up':>9s}")
    for b, d in [(8, 4096), (64, 4096), (1024, 4096), (16384, 4096)]:
        for dtype in (torch.float32, torch.bfloat16):
            h = torch.randn(b, d, device="cuda").to(dtype)
            h0 = torch.randn(b, d, device="cuda").to(dtype)
            sign = (torch.randint(0, 2, (b,), device="cuda") * 2 - 1).float()
            dm = torch.randn(d, device="cuda")
            loss = torch.zeros(1, device="cuda")
            grad = torch.empty_like(h)
            code = BF16 if dtype == torch.bfloat16 else F32
            args = (ptr(h), ptr(h0), ptr(sign), ptr(dm), b, d, code, ptr(loss), ptr(grad), stream())
            reps = 200 if b * d < 1 << 22 else 20
            fused = time_ms(lambda: lib.rrs_reshape_loss_cuda(*args), reps)

            def composed():
                diff = h.float() - h0.float() - sign[:, None] * dm
                return (diff ** 2).mean(), (2.0 / diff.numel()) * diff
            ops = time_ms(composed, reps)
            moved = 3 * b * d * h.element_size() + 4 * (d + b)  # read h, h0; write grad
            gbs = moved / fused / 1e6
            print(f"{'%d x %d' % (b, d):28s} {str(dtype)[6:]:8s} {fused * 1e3:9.1f} {gbs:7.0f} {gbs / copy_gbs:8.0%} {ops * 1e3:13.1f} {ops / fused:8.1f}x")


if __name__ == "__main__":
    print(torch.cuda.get_device_name(0), "| torch", torch.__version__, "| library", LIB)
    torch.manual_seed(0)
    check_reshape_loss()
    check_class_stats()
    check_lora_penalty()
    bandwidth()
    print("\nFAILED: " + ", ".join(failures) if failures else "\nall comparisons passed")
    sys.exit(1 if failures else 0)
