/**
 * {@code rrs demo}: the whole pipeline on the embedded default (dataset, base model, RRS, evaluation,
 * export, guard screening) with resumable, timed stages. Lives in rrs-export because it needs the
 * trainer, the exporter and the guard together; docs/demo.md.
 */
package io.rrs.demo;
