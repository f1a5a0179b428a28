/**
 * What the trainers share (RRS in {@code io.rrs.reshape}, SFT in {@code io.rrs.sft}, pretraining in
 * {@code io.rrs.pretrain}): training queries and their batches through the query encoder, LoRA adapters,
 * AdamW, the LoRA training loop with its crash-safe checkpoints and exact resume, the training log, run
 * files, progress and step listeners, and the {@link io.rrs.training.AdapterCheckpointLoader} seam through
 * which {@code rrs eval} loads a trained run without depending on any trainer. {@code dist}: data-parallel
 * training over c10d. Nothing here knows a method.
 */
package io.rrs.training;
