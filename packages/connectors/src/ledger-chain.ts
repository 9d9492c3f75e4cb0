import { SyncfleetError, reachableWatermarks, type LedgerEdge } from '@syncfleet/core';
import type { KeysetOrder } from './connector.ts';
import type { AdvanceResult, WatermarkState } from './postgres/checkpoint-sql.ts';

/**
 * The database half of a checkpoint, for bookkeeping stores whose SQL cannot order the source's
 * keysets itself (a MariaDB source's `datetime(6)` in a Postgres ledger, any source in a
 * MariaDB ledger). Every call runs inside one transaction of the store.
 */
export interface LedgerTransaction {
  /** The watermark row, locked against concurrent advances (`SELECT … FOR UPDATE`). */
  lockWatermark(pipeline: string): Promise<WatermarkState | null>;
  pendingEdges(pipeline: string): Promise<LedgerEdge[]>;
  /** Sets the watermark only if it is still `from` (fencing); false when it moved. */
  moveWatermark(pipeline: string, from: string | null, to: string): Promise<boolean>;
  markCheckpointed(pipeline: string, his: readonly string[]): Promise<void>;
}

/**
 * The same algorithm as `advanceWatermark` in postgres/checkpoint-sql.ts, with the one
 * comparison it needs (which reachable keyset is furthest, which entries lie at or below it)
 * asked of the source, the system that owns the keyset's types.
 */
export async function advanceInSourceOrder(tx: LedgerTransaction, pipeline: string, order: KeysetOrder): Promise<AdvanceResult> {
  const state = await tx.lockWatermark(pipeline);
  if (state === null) return { from: null, to: null, advanced: false };
  const edges = await tx.pendingEdges(pipeline);
  const candidates = reachableWatermarks(state.keyset, edges);
  if (candidates.length === 0) return { from: state.keyset, to: state.keyset, advanced: false };
  const ordered = await order.orderKeysets(candidates, state.keysetTypes);
  const next = ordered[ordered.length - 1]!;
  if (!(await tx.moveWatermark(pipeline, state.keyset, next))) {
    throw new SyncfleetError('WATERMARK_CONFLICT', `watermark of ${pipeline} moved while it was being advanced`);
  }
  const his = [...new Set([...edges.map((edge) => edge.hi), next])];
  const byOrder = await order.orderKeysets(his, state.keysetTypes);
  await tx.markCheckpointed(pipeline, byOrder.slice(0, byOrder.indexOf(next) + 1));
  return { from: state.keyset, to: next, advanced: true };
}
