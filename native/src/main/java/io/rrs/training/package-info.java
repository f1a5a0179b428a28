/**
 * What the trainers share (RRS in {@code io.rrs.reshape}, SFT in {@code io.rrs.sft}, pretraining in
 * {@code io.rrs.pretrain}): training queries and their batches through the query encoder, LoRA adapters,
 * AdamW, the LoRA training loop with its crash-safe checkpoints and exact resume, the training log, run
 * files, progress and step listeners. {@code dist}: data-parallel training over c10d. Nothing here knows
 * a method or the evaluation.
 */
package io.rrs.training;
