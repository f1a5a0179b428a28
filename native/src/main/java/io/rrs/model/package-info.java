/**
 * Qwen2-Audio in libtorch (through JavaCPP): Hugging Face's
 * {@code Qwen2AudioForConditionalGeneration} layout, names and {@code config.json} fields, so a
 * real checkpoint loads one to one. Entry point: {@link io.rrs.model.Qwen2AudioModel#load};
 * forward passes return logits and final-norm hidden states, {@code lastTokenHidden} gives the
 * RRS representation, {@code generate} decodes greedily with a KV cache, and
 * {@link io.rrs.model.ProjectionAdapter} is where LoRA wraps the decoder projections.
 * Checkpoints are read and written by {@link io.rrs.model.safetensors}. Decisions: docs/model.md.
 */
package io.rrs.model;
