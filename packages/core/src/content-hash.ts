import { createHash } from 'node:crypto';
import type { BatchRow } from './batch.ts';

/**
 * The hash of a batch's rows, in order. JSON of `string | null` arrays is unambiguous (no
 * separator can be forged by a value). One stringify of the whole batch and one update:
 * 425 ms per 1M orders-like rows here, against 734 ms with a stringify and update per row.
 */
export function hashRows(rows: readonly BatchRow[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/**
 * A batch's identity: pipeline + the destination's epoch + keyset range + content. BullMQ's
 * jobId and the ledger's batch id are both this value, so re-enqueueing an unchanged batch is a
 * no-op while a changed batch over the same range gets through; a destination whose bookkeeping
 * was reset has a new epoch, so ids Redis remembers from before cannot block its re-sync. Hex
 * only: BullMQ rejects `:` in custom ids.
 */
export function batchIdOf(pipeline: string, epoch: string, lo: string | null, hi: string, contentHash: string): string {
  return createHash('sha256')
    .update(pipeline)
    .update('\0')
    .update(epoch)
    .update('\0')
    .update(lo ?? '')
    .update('\0')
    .update(hi)
    .update('\0')
    .update(contentHash)
    .digest('hex')
    .slice(0, 40);
}
