/**
 * The teacher: a pretrained sentence encoder (all-MiniLM-L6-v2, {@link io.rrs.teacher.MiniLmEncoder}) whose
 * embeddings, word pieces and word-embedding matrix pretraining can learn from, and the per-model cache of its
 * embeddings ({@link io.rrs.teacher.SentenceEmbeddingCache}); docs/pretrain.md, "The teacher".
 */
package io.rrs.teacher;
