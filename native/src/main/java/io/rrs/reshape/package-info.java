/**
 * RRS alignment (DESIGN section 3, docs/reshape.md): {@code rrs reshape prepare} computes the frozen
 * model's representations, the shift delta, the feature mask and the targets; {@code rrs reshape train}
 * trains LoRA adapters towards them with crash-safe, exactly resumable checkpoints.
 */
package io.rrs.reshape;
