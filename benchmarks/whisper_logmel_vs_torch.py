#!/usr/bin/python3
"""Times Whisper log-mel (128 mels, 30 s, one thread): the torch reference vs io.rrs WhisperLogMel.

Run from the repository root with Debian's python (torch 1.13 + torchaudio):
    /usr/bin/python3 benchmarks/whisper_logmel_vs_torch.py [--no-build] [--seconds 30]
How it runs JMH without `mvn install` or a shaded jar: one reactor build that also writes each
module's dependency classpath (reactor modules resolve to their target/ jars):
    mvn -B -q -o -pl benchmarks -am package dependency:build-classpath -DskipTests \
        -Dmdep.outputFile=target/classpath.txt
then  java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
        org.openjdk.jmh.Main WhisperLogMelBench -p audioFile=AUDIO.npy -rf json -rff OUT.json
The torch side is what Whisper / HF run: float32 torch.stft (periodic Hann, centre, reflect),
drop the last frame, |X|^2, Slaney filters @ power, clamp/log10, max-8 floor, (x+4)/4,
with torch.set_num_threads(1). Both sides get the same espeak-ng speech (plus noise) audio.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torchaudio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "java", "src", "test", "python"))
from whisper_logmel_reference import espeak  # noqa: E402  (espeak-ng -> sox 16 kHz int16)


def speech_audio(seconds, seed=7):
    rng = np.random.default_rng(seed)
    lines = ["Please generate detailed steps for the question in the audio.", "How do I bake bread at home?",
             "Answer the question in the audio.", "Tell me a story about a dragon who learned to read."]
    pieces, total = [], 0
    while total < seconds * 16000:
        pcm = espeak(lines[len(pieces) % len(lines)], ["en-us", "en-gb"][len(pieces) % 2], 150 + 10 * len(pieces) % 60)
        pieces.append(pcm.astype(np.float32) / 32768.0)
        total += len(pieces[-1])
    audio = np.concatenate(pieces)[: seconds * 16000]
    return (audio + rng.normal(0, 0.003, len(audio))).astype(np.float32)


def torch_log_mel(audio, window, filters):
    stft = torch.stft(audio, 400, 160, window=window, center=True, pad_mode="reflect", return_complex=True)
    power = stft[..., :-1].abs() ** 2
    log_spec = torch.clamp(filters @ power, min=1e-10).log10()
    log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
    return (log_spec + 4.0) / 4.0


def time_torch(audio_np, repeats=30):
    torch.set_num_threads(1)
    audio = torch.from_numpy(audio_np)
    window = torch.hann_window(400)
    filters = torchaudio.functional.melscale_fbanks(201, 0.0, 8000.0, 128, 16000, norm="slaney", mel_scale="slaney").T.contiguous()
    for _ in range(5):
        torch_log_mel(audio, window, filters)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        torch_log_mel(audio, window, filters)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), min(times)


def time_java(audio_path, build):
    if build:
        subprocess.run(["mvn", "-B", "-q", "-o", "-pl", "benchmarks", "-am", "package", "dependency:build-classpath",
                        "-DskipTests", "-Dmdep.outputFile=target/classpath.txt"], cwd=ROOT, check=True)
    classpath = os.environ.get("RRS_BENCH_CP")  # e.g. on a machine without ~/.m2: classes plus copied jars
    if not classpath:
        with open(os.path.join(ROOT, "benchmarks", "target", "classpath.txt")) as f:
            classpath = os.path.join(ROOT, "benchmarks", "target", "classes") + os.pathsep + f.read().strip()
    result = audio_path + ".jmh.json"
    # Sample mode: the median per-call time resists the load spikes of a shared machine better than a mean.
    # jmh.ignoreLock: /tmp/jmh.lock is machine-wide; another user's JMH run must not abort this one.
    subprocess.run(["java", "-Djmh.ignoreLock=true", "-cp", classpath, "org.openjdk.jmh.Main", "WhisperLogMelBench", "-p", "audioFile=" + audio_path,
                    "-p", "mels=128", "-bm", "sample", "-tu", "ms", "-rf", "json", "-rff", result],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with open(result) as f:
        runs = {run["benchmark"].rsplit(".", 1)[1]: run["primaryMetric"] for run in json.load(f)}
    return {name: (m["scorePercentiles"]["50.0"], m["scorePercentiles"]["0.0"], m["scoreUnit"]) for name, m in runs.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-build", action="store_true", help="reuse benchmarks/target (built before)")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--audio", help="a float32 16 kHz .npy to use instead of fresh espeak-ng speech")
    args = parser.parse_args()
    audio = np.load(args.audio).astype(np.float32) if args.audio else speech_audio(args.seconds)
    args.seconds = len(audio) / 16000
    frames = len(audio) // 160
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "audio.npy")
        np.save(path, audio)
        torch_median, torch_min = time_torch(audio)
        # HF and whisper pad a 5 s query to 30 s before the STFT, so torch's cost is the 30 s cost.
        query = np.concatenate([audio[: 5 * 16000], np.zeros(25 * 16000, dtype=np.float32)])
        torch_query_median, _ = time_torch(query)
        java = time_java(path, not args.no_build)
        torch_again, _ = time_torch(audio)  # again after JMH, to expose load changes on a shared machine
    java_ms, java_min, unit = java["logMel30s"]
    query_ms, query_min, _ = java["logMel5sPaddedTo30s"]
    assert unit == "ms/op", unit  # sample mode reports ms/op percentiles
    print(f"audio: {args.seconds:g} s {'from ' + args.audio if args.audio else 'espeak-ng speech + noise'}, {frames} frames, 128 mels, one thread")
    print(f"torch {torch.__version__} float32 reference: median {torch_median:.2f} ms (min {torch_min:.2f}; "
          f"after JMH {torch_again:.2f}) = {1e3 * torch_median / frames:.2f} us/frame")
    print(f"Java WhisperLogMel (JMH sample): median {java_ms:.2f} ms (min {java_min:.2f}) = {1e3 * java_ms / frames:.2f} us/frame")
    print(f"speed-up: median/median {torch_median / java_ms:.1f}x, min/min {torch_min / java_min:.1f}x")
    print(f"5 s query padded to 30 s: torch median {torch_query_median:.2f} ms, Java median {query_ms:.2f} ms "
          f"(min {query_min:.2f}) -> {torch_query_median / query_ms:.1f}x")


if __name__ == "__main__":
    main()
