package io.rrs.model;

/** One sample's generated tokens (without the stop token) and whether a stop token ended it. */
public record Generated(long[] tokens, boolean stopped) {}
