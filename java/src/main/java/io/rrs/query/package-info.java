/**
 * One query, one encoding (docs/query.md): {@link io.rrs.query.QueryEncoder} turns audio and/or text under
 * an input condition into features, valid frames, audio positions and token ids for every path that feeds
 * a model (pretraining, RRS, SFT, evaluation, export, the guard, the benchmarks);
 * {@link io.rrs.query.AudioPositions} is the audio tower's frames-to-positions rule.
 */
package io.rrs.query;
