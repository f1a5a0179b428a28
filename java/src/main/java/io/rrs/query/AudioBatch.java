package io.rrs.query;

/**
 * Clips padded into one batch: features [rows, melBins, frames] in C order and each row's valid
 * frame count (0 for a row without audio, whose features are zeros).
 */
public record AudioBatch(float[] features, int melBins, int frames, long[] validFrames) {}
