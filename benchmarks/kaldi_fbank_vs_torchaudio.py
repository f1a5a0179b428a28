#!/usr/bin/python3
"""Kaldi fbank throughput: torchaudio.compliance.kaldi.fbank (one thread) versus RRS KaldiFbank.

Both compute 80-bin fbank with torchaudio's defaults on the same 60 s of 16 kHz audio (espeak-ng
speech, repeated, plus a little noise). Prints microseconds per frame (median and best over the
repetitions, wall clock and thread CPU time: CPU time is the fairer figure on a shared machine),
times real time (10 000 us of audio per frame / us per frame) and the ratio.

Invocation, from the repository root (no `mvn install` needed; package and classpath in one
reactor run so that the runtime and trainer resolve to their freshly built jars):

    mvn -q -o -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=/tmp/rrs-bench.cp
    /usr/bin/python3 benchmarks/kaldi_fbank_vs_torchaudio.py --classpath "benchmarks/target/classes:$(cat /tmp/rrs-bench.cp)"

(drop -o when the local Maven repository lacks a plugin). The JMH suite covers the same
computation with JMH's rigour:

    java -cp "benchmarks/target/classes:$(cat /tmp/rrs-bench.cp)" org.openjdk.jmh.Main KaldiFbank
"""
import argparse
import os
import subprocess
import tempfile
import time
import wave

import numpy as np
import torch
import torchaudio
import torchaudio.compliance.kaldi as kaldi

HOP_US = 10_000.0


def speech_60s():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.wav")
        text = ("Please generate detailed steps for the question in the audio. "
                "The quick brown fox jumps over the lazy dog near the riverbank.")
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", path, text], check=True)
        with wave.open(path, "rb") as w:
            sr = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    x = torchaudio.functional.resample(torch.from_numpy(pcm), sr, 16000).numpy()
    x = np.tile(x, 960000 // len(x) + 1)[:960000]
    x = x + np.random.default_rng(0).normal(0, 30, len(x))  # no all-zero frames
    return np.clip(np.round(x), -32768, 32767).astype(np.float32)


def time_torchaudio(x, reps):
    torch.set_num_threads(1)
    w = torch.from_numpy(x)[None]
    feats = kaldi.fbank(w, num_mel_bins=80)
    for _ in range(2):
        kaldi.fbank(w, num_mel_bins=80)
    wall, cpu = [], []
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.thread_time()
        kaldi.fbank(w, num_mel_bins=80)
        wall.append((time.perf_counter() - w0) * 1e6 / feats.shape[0])
        cpu.append((time.thread_time() - c0) * 1e6 / feats.shape[0])
    return feats.numpy(), sorted(wall), sorted(cpu)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--classpath", required=True, help="benchmarks/target/classes plus its dependency classpath")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--java", default="java")
    args = ap.parse_args()

    x = speech_60s()
    ref, ta_wall, ta_cpu = time_torchaudio(x, args.reps)
    with tempfile.TemporaryDirectory() as d:
        sig, out = os.path.join(d, "sig.npy"), os.path.join(d, "java.npy")
        np.save(sig, x)
        res = subprocess.run([args.java, "-cp", args.classpath, "io.rrs.bench.KaldiFbankTiming", sig, str(args.reps * 3), out],
                             check=True, capture_output=True, text=True).stdout
        ours = np.load(out)
    j = dict(line.split("=") for line in res.split())
    j = {k: float(v) for k, v in j.items()}

    near = ref >= ref.max(axis=1, keepdims=True) - 10
    diff = np.abs(ours.astype(np.float64) - ref)
    print(f"frames: {ref.shape[0]} x 80 bins, 60 s of audio, one thread")
    print(f"agreement with torchaudio float32 (bins within 10 nats of the frame peak): max {diff[near].max():.2e}, mean {diff[near].mean():.2e}")
    rows = [
        ("torchaudio kaldi.fbank", ta_wall[len(ta_wall) // 2], ta_wall[0], ta_cpu[len(ta_cpu) // 2], ta_cpu[0]),
        ("RRS KaldiFbank (Java)", j["wall_us_per_frame_median"], j["wall_us_per_frame_best"], j["cpu_us_per_frame_median"], j["cpu_us_per_frame_best"]),
    ]
    print(f"{'':24s} {'wall median':>12s} {'wall best':>10s} {'cpu median':>11s} {'cpu best':>9s}   (us/frame)  x real time (cpu best)")
    for name, wm, wb, cm, cb in rows:
        print(f"{name:24s} {wm:12.3f} {wb:10.3f} {cm:11.3f} {cb:9.3f}   {HOP_US / cb:10.0f}x")
    print(f"speed-up of Java over torchaudio: wall median {rows[0][1] / rows[1][1]:.1f}x, cpu best {rows[0][4] / rows[1][4]:.1f}x")


if __name__ == "__main__":
    main()
