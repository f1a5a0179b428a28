/**
 * The runtime guard (DESIGN.md section 6, docs/guard.md): {@link io.rrs.guard.Guard} opens the
 * directory {@code rrs export} writes, verifies {@code guard.json} and every file's SHA-256, and
 * answers queries (audio and/or text) with ONNX Runtime only, no libtorch: {@code screen} decides
 * ALLOW / REFUSE from one prefill pass, {@code respond} generates the answer with the KV cache.
 * {@code rrs guard} is its command line.
 */
package io.rrs.guard;
