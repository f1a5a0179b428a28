#!/usr/bin/python3
"""Times the independent torch reference (native/src/test/python/qwen2_audio_reference.py) on
the model benchmark fixture, for comparison with ModelForwardBench (same files, same threads).

usage: model_reference_timing.py FIXTURE_DIR THREADS NEW_TOKENS
prints one JSON line: forward_ms (median), generate_ms (median), tokens_per_s.
"""
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "native", "src", "test", "python"))
import qwen2_audio_reference as ref  # noqa: E402


def median_ms(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    fixture, threads, new_tokens = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.set_grad_enabled(False)
    model = ref.Reference(fixture)
    ids, mask, feats, frames = ref.load_case(os.path.join(fixture, "query"))
    forward_ms = median_ms(lambda: model.forward(ids, mask, feats, frames), 3, 15)
    generate_ms = median_ms(lambda: ref.greedy(model, ids, mask, feats, frames, new_tokens), 1, 5)
    print(json.dumps({"threads": threads, "forward_ms": forward_ms, "generate_ms": generate_ms,
                      "tokens_per_s": new_tokens / (generate_ms / 1000), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
