/**
 * Audio input for the runtime and the trainer: {@link io.rrs.audio.AudioLoader} turns WAV files,
 * WAV bytes or float PCM at any rate from 1 kHz to 768 kHz into 16 kHz mono
 * {@link io.rrs.audio.Audio}, the input of every feature front-end. Decoding
 * ({@link io.rrs.audio.WavDecoder}) reads PCM and IEEE-float WAV, including
 * WAVE_FORMAT_EXTENSIBLE, and rejects everything else with an
 * {@link io.rrs.audio.AudioFormatException} that names the input, the problem and the fix.
 * Rate conversion ({@link io.rrs.audio.Resampler}) is a zero-phase Kaiser-windowed sinc filter
 * with at least 90 dB rejection above the new Nyquist frequency; it agrees with sox's
 * high-quality {@code rate} effect to about 53 dB SNR on speech.
 */
package io.rrs.audio;
