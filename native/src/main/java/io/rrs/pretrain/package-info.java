/** The demo base model: {@code rrs pretrain} trains a tiny Qwen2-Audio-layout model from scratch (docs/pretrain.md). */
package io.rrs.pretrain;
