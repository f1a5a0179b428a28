/**
 * Trained LoRA runs as their consumers read them: {@link io.rrs.aligned.AlignedRun} (a run of either
 * trainer, its checkpoint, adapters, delta_m and calibration targets, for {@code rrs export}) and the
 * {@code rrs eval} plug-ins that load such runs ({@link io.rrs.aligned.ReshapeAdapterLoader},
 * {@link io.rrs.aligned.SftAdapterLoader}, registered with ServiceLoader). It sits downstream of both
 * trainers, so neither trainer nor the evaluation imports the other.
 */
package io.rrs.aligned;
