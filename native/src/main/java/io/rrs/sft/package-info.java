/**
 * The SFT baseline ({@code rrs sft train}, docs/sft.md): the same LoRA, rows and budget as RRS, trained
 * with cross-entropy on refusals for harmful queries and the base model's own answers for benign ones.
 */
package io.rrs.sft;
