import type { BatchOutcome, BatchPayload } from './batch.ts';

/**
 * A ledger row's values, in the column order every sink's ledger shares: pipeline, batch_id,
 * scan_id, seq, lo, hi, content_hash, status, extracted, loaded, unchanged, quarantined.
 */
export function ledgerEntryValues(
  payload: BatchPayload,
  status: 'committed' | 'skipped',
  outcome: BatchOutcome,
): (string | number | null)[] {
  return [
    payload.pipeline,
    payload.batchId,
    payload.scanId,
    payload.seq,
    payload.lo,
    payload.hi,
    payload.contentHash,
    status,
    outcome.extracted,
    outcome.loaded,
    outcome.unchanged,
    outcome.quarantined,
  ];
}
