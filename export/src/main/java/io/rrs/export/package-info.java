/**
 * The exporter (DESIGN section 5, docs/export.md): LoRA merge, ONNX graphs built node by node on
 * the ONNX protobuf classes, {@code guard.json}, and the parity check against the libtorch model.
 */
package io.rrs.export;
