#!/usr/bin/python3
"""Independent float64 reference for io.rrs.frontend.WhisperLogMel (Whisper / HF log-mel).

Same ops as openai-whisper's log_mel_spectrogram and HF's WhisperFeatureExtractor, in float64:
torch.stft(n_fft=400, hop=160, periodic Hann, center=True, reflect padding), drop the last frame,
|X|^2, torchaudio melscale_fbanks(norm="slaney", mel_scale="slaney"), log10(max(x, 1e-10)),
floor at max - 8, (x + 4) / 4. Outputs are written time-major [frames][mels] as float32 .npy.

  whisper_logmel_reference.py golden OUTDIR      small committed golden files (see GOLDEN below)
  whisper_logmel_reference.py live OUTDIR SEED   fresh espeak-ng speech + noise, > 30 s and short
Run with Debian's /usr/bin/python3 (torch 1.13, torchaudio 0.13, numpy).
"""
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np
import torch
import torchaudio

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
CHUNK_SAMPLES = 30 * SAMPLE_RATE
LONG_STRIDE = 25  # golden files of the procedural long signal keep every 25th frame (size)


def mel_filters(n_mels):
    """(n_mels, 201) float64 Slaney filters, as librosa / whisper's mel_filters.npz."""
    fb = torchaudio.functional.melscale_fbanks(N_FFT // 2 + 1, 0.0, SAMPLE_RATE / 2, n_mels, SAMPLE_RATE,
                                               norm="slaney", mel_scale="slaney")
    return fb.T.contiguous().to(torch.float64)


def pad_or_trim(x):
    if len(x) >= CHUNK_SAMPLES:
        return x[:CHUNK_SAMPLES]
    return np.concatenate([x, np.zeros(CHUNK_SAMPLES - len(x), dtype=x.dtype)])


def log_mel(samples_f32, n_mels, pad):
    x = samples_f32.astype(np.float64)
    if pad:
        x = pad_or_trim(x)
    x = torch.from_numpy(x)
    window = torch.hann_window(N_FFT, periodic=True, dtype=torch.float64)
    stft = torch.stft(x, N_FFT, HOP, window=window, center=True, pad_mode="reflect", return_complex=True)
    power = stft[..., :-1].abs() ** 2
    mel = mel_filters(n_mels) @ power
    log_spec = torch.clamp(mel, min=1e-10).log10()
    log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
    log_spec = (log_spec + 4.0) / 4.0
    return log_spec.T.contiguous().numpy().astype(np.float32)


def procedural_long(num_samples):
    """Chirp with a slow envelope, a 2 s silent gap and LCG noise; WhisperLogMelTest builds the same."""
    out = np.empty(num_samples, dtype=np.float32)
    state = 12345
    mask = (1 << 64) - 1
    two_pi = 2.0 * np.pi
    for i in range(num_samples):
        state = (state * 6364136223846793005 + 1442695040888963407) & mask
        noise = (state >> 40) / 16777216.0 - 0.5
        t = i / 16000.0
        if 10.0 <= t < 12.0:
            out[i] = 0.0
            continue
        envelope = 0.55 + 0.45 * np.sin(two_pi * 0.25 * t)
        out[i] = np.float32(0.3 * envelope * np.sin(two_pi * (100.0 * t + 40.0 * t * t)) + 0.02 * noise)
    return out


LONG_SAMPLES = 35 * SAMPLE_RATE + 123


def espeak(text, voice="en-us", rate=175):
    """espeak-ng speech resampled to 16 kHz by sox, as float32 in [-1, 1]."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, resampled = os.path.join(tmp, "raw.wav"), os.path.join(tmp, "16k.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", raw, text], check=True)
        subprocess.run(["sox", raw, "-r", str(SAMPLE_RATE), "-b", "16", resampled], check=True)
        with wave.open(resampled) as w:
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return pcm


def save(outdir, name, array):
    np.save(os.path.join(outdir, name + ".npy"), array)


def golden(outdir):
    os.makedirs(outdir, exist_ok=True)
    pcm = espeak("Answer the question in the audio.")
    save(outdir, "speech_int16", pcm)
    speech = (pcm.astype(np.float32) / 32768.0).astype(np.float32)
    valid = -(-len(speech) // HOP)
    for n_mels in (80, 128):
        save(outdir, f"speech_mels{n_mels}_full", log_mel(speech, n_mels, pad=False))
        # pad/trim: frames past the audio (+ 3 for the STFT window's reach) are the floor value, kept as one number
        padded = log_mel(speech, n_mels, pad=True)
        save(outdir, f"speech_mels{n_mels}_pad_head", padded[: valid + 3])
        save(outdir, f"speech_mels{n_mels}_pad_tail", padded[valid + 3:].reshape(-1)[:1])
        assert np.all(padded[valid + 3:] == padded[valid + 3:].reshape(-1)[0])
        long_signal = procedural_long(LONG_SAMPLES)
        save(outdir, f"long_mels{n_mels}_full_stride{LONG_STRIDE}", log_mel(long_signal, n_mels, pad=False)[::LONG_STRIDE])
        save(outdir, f"long_mels{n_mels}_pad_stride{LONG_STRIDE}", log_mel(long_signal, n_mels, pad=True)[::LONG_STRIDE])
    print("speech samples", len(speech), "valid frames", valid)


def live(outdir, seed):
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(seed)
    sentences = ["How do I bake bread at home?", "Please generate detailed steps for the question in the audio.",
                 "Follow the instruction in the audio.", "What is the capital of France?",
                 "Tell me a story about a dragon who learned to read."]
    voices = ["en-us", "en-gb", "en-us+f3", "en-gb-scotland"]
    pieces, total = [], 0
    while total < 33 * SAMPLE_RATE:  # > 30 s so pad/trim trims
        text = sentences[rng.integers(len(sentences))]
        pcm = espeak(text, voices[rng.integers(len(voices))], int(rng.integers(120, 220)))
        piece = pcm.astype(np.float32) / 32768.0
        pieces.append(piece)
        pieces.append(np.zeros(int(rng.integers(0, 8000)), dtype=np.float32))
        total += len(piece) + len(pieces[-1])
    speech = np.concatenate(pieces)
    speech = (speech + rng.normal(0, 0.003, len(speech))).clip(-1, 1).astype(np.float32)
    inputs = {"long": speech, "short": speech[: int(rng.integers(3, 6) * SAMPLE_RATE) + 77], "tiny": speech[5000:5100]}
    for name, x in inputs.items():
        save(outdir, f"{name}_input", x)
        for n_mels in (80, 128):
            save(outdir, f"{name}_mels{n_mels}_pad", log_mel(x, n_mels, pad=True))
            if len(x) > N_FFT // 2:  # torch.stft's reflect padding needs more than 200 samples
                save(outdir, f"{name}_mels{n_mels}_full", log_mel(x, n_mels, pad=False))
    for n_mels in (80, 128):
        save(outdir, f"filters_mels{n_mels}", mel_filters(n_mels).numpy())
    print("live inputs", {k: len(v) for k, v in inputs.items()})


if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    if len(sys.argv) >= 3 and sys.argv[1] == "golden":
        golden(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "live":
        live(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
