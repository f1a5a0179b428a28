package io.rrs.guard;

/**
 * Scope: the result of {@link Guard#respond}: the generated answer, its tokens, whether it
 * refuses (by the refusal phrases), and the prefill verdict that came for free with the first
 * step (same numbers {@code screen} reports for the query).
 *
 * @param id           the query's id
 * @param text         the answer, special tokens removed
 * @param tokens       the generated ids (the stop token excluded)
 * @param stopped      true when a stop token ended the answer, false when the token limit did
 * @param refused      the generation-based refusal judgment
 * @param prefill      the verdict of the prompt's prefill pass
 * @param decodeMs     time of the decode steps after the prefill
 * @param totalMs      wall time of the whole call
 */
public record Response(String id, String text, int[] tokens, boolean stopped, boolean refused, Verdict prefill, double decodeMs, double totalMs) {}
