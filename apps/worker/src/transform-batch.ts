import { applyTransform, type BatchOutcome, type BatchPayload, type ResolvedPipeline, type TransformModule } from '@syncfleet/core';
import type { SinkConnector, WriteBatchHooks } from '@syncfleet/connectors';

/**
 * Writes a batch through the pipeline's transform. The batch keeps its identity (range and
 * content hash of the raw rows), so the ledger and the queue treat it like any other; only the
 * rows handed to the sink change.
 *
 * Rejected rows are quarantined just before the write, not inside the sink's transaction: the
 * insert is idempotent per (pipeline, batch, key), so a retried or redelivered batch records
 * them once, and a batch that is finally dead-lettered still leaves their reasons behind.
 */
export async function writeTransformed(
  sink: SinkConnector,
  transform: TransformModule,
  pipeline: ResolvedPipeline,
  payload: BatchPayload,
  hooks?: WriteBatchHooks,
): Promise<BatchOutcome> {
  const result = applyTransform(transform, payload.columns, payload.rows, pipeline.source);
  if (result.rejected.length > 0) await sink.bookkeeping.recordQuarantine(payload, result.rejected);
  const written = await sink.write({ ...payload, columns: result.columns, rows: result.rows }, hooks);
  if (written.duplicate) return { ...written, extracted: payload.rows.length };
  return {
    extracted: payload.rows.length,
    loaded: written.loaded,
    // Rows the transform dropped on purpose count as unchanged: nothing was due to be written.
    unchanged: written.unchanged + result.dropped,
    quarantined: written.quarantined + result.rejected.length,
    duplicate: false,
  };
}
