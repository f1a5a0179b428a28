package io.rrs.frontend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streaming Kaldi fbank: feed audio in chunks of any size with {@link #accept}, call
 * {@link #inputFinished()} at the end, and collect frames with {@link #takeFrames()}. The frames are
 * bit for bit those of {@link KaldiFbank#compute} on the concatenated signal. A frame is emitted as
 * soon as all its samples have arrived; with snip_edges=false the last frames reach past the end of
 * the signal (mirrored), so they come only after {@link #inputFinished()}. subtract_mean needs the
 * whole signal and is rejected. Keeps only the samples later frames still need. Not thread-safe.
 */
public final class OnlineKaldiFbank {
    private final KaldiFbankOptions opts;
    private final KaldiFrameProcessor processor;
    private final FrameOptions frameOpts;
    private final int columns;
    /** Samples with signal indices [bufferStart, bufferStart + bufferLength). */
    private float[] buffer = new float[4096];
    private long bufferStart;
    private int bufferLength;
    private long framesDone;
    private boolean finished;
    private final List<float[]> ready = new ArrayList<>();

    public OnlineKaldiFbank(KaldiFbankOptions opts) {
        if (opts == null) throw new IllegalArgumentException("options must not be null; use KaldiFbankOptions.defaults()");
        if (opts.subtractMean())
            throw new IllegalArgumentException("subtract_mean needs the whole signal; use KaldiFbank.compute or set subtractMean=false");
        this.opts = opts;
        this.processor = new KaldiFrameProcessor(opts);
        this.frameOpts = opts.frame();
        this.columns = opts.numOutputColumns();
    }

    public KaldiFbankOptions options() { return opts; }

    public int numBins() { return columns; }

    /** Samples received so far. */
    public long numSamplesAccepted() { return bufferStart + bufferLength; }

    /** Frames computed so far (taken or not). */
    public long numFramesComputed() { return framesDone; }

    public boolean isFinished() { return finished; }

    /** Samples held for frames still to come (bounded by the frame length plus one compaction slack). */
    public int bufferedSamples() { return bufferLength; }

    public void accept(float[] samples) {
        accept(samples, 0, samples.length);
    }

    /** Appends {@code samples[offset .. offset+length)} and computes every frame that is now complete. */
    public void accept(float[] samples, int offset, int length) {
        if (finished) throw new IllegalStateException("input already finished; create a new OnlineKaldiFbank for a new signal");
        if (samples == null) throw new IllegalArgumentException("samples must not be null");
        if (offset < 0 || length < 0 || offset + length > samples.length)
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length) + ") lies outside the "
                    + samples.length + "-sample chunk");
        ensureCapacity(bufferLength + length);
        System.arraycopy(samples, offset, buffer, bufferLength, length);
        bufferLength += length;
        computeReadyFrames(false);
    }

    /** Declares the end of the signal and computes the remaining frames (mirrored at the end with snip_edges=false). */
    public void inputFinished() {
        if (finished) return;
        finished = true;
        computeReadyFrames(true);
    }

    /** The frames computed since the last call, oldest first (each row: bins plus energy column if any). */
    public float[][] takeFrames() {
        float[][] out = ready.toArray(new float[0][]);
        ready.clear();
        return out;
    }

    private void computeReadyFrames(boolean atEnd) {
        long received = bufferStart + bufferLength;
        long total = atEnd ? frameOpts.numFrames(received) : Long.MAX_VALUE;
        int windowSize = frameOpts.windowSize();
        while (framesDone < total) {
            long start = frameOpts.frameStart(framesDone);
            // before the end is known, a frame must lie inside what has arrived (mirroring at the left reads only
            // samples below windowSize/2, which precede the frame's end)
            if (!atEnd && (start + windowSize > received || framesDone >= frameOpts.numFrames(received))) break;
            float[] row = new float[columns];
            processor.fillFrame(buffer, bufferStart, received, start);
            processor.process(row, 0);
            ready.add(row);
            framesDone++;
        }
        discardUnneeded();
    }

    /**
     * Drops samples before the next frame's start. Later frames never read earlier samples: the left
     * mirror serves only frames starting below 0 (kept from 0), and the right mirror of a valid
     * frame reads indices >= 2n - start - windowSize >= start.
     */
    private void discardUnneeded() {
        long keepFrom = Math.max(0, frameOpts.frameStart(framesDone));
        int drop = (int) Math.min(bufferLength, keepFrom - bufferStart);
        if (drop <= 0 || drop < buffer.length / 2) return; // compact rarely: one copy per half buffer
        System.arraycopy(buffer, drop, buffer, 0, bufferLength - drop);
        bufferStart += drop;
        bufferLength -= drop;
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
    }
}
