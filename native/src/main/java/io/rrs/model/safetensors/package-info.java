/**
 * safetensors files (header-validated, memory-mapped, F32/F16/BF16), Hugging Face sharded
 * checkpoints ({@code model.safetensors.index.json}) and atomic writing. No pickle, no TorchScript.
 */
package io.rrs.model.safetensors;
