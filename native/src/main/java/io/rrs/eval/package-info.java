/**
 * Evaluation of an RRS alignment ({@code rrs eval}, docs/eval.md): greedy answers to the spoken
 * test split in the three input conditions (audio-text, text-only, audio-only), refusal judging by
 * phrase matching, DSR/ORR per condition and category for the base and the aligned model, the
 * Markdown/JSON report, and the plots (training loss; PCA of last-token representations).
 * The aligned model's "base + LoRA" loading is the {@link io.rrs.eval.AdapterCheckpointLoader} seam.
 */
package io.rrs.eval;
