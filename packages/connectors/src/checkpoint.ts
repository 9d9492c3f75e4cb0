import type { ResolvedPipeline } from '@syncfleet/core';
import { RedisLock, checkpointLockKey, type AdvanceResult, type FleetResources } from '@syncfleet/connectors';

const CHECKPOINT_LOCK_TTL_MS = 30_000;
const CHECKPOINT_LOCK_WAIT_MS = 60_000;

/**
 * Advances a pipeline's watermark under its checkpoint lock. A worker that finds the lock
 * taken waits for it rather than leaving: the holder may have read the ledger before this
 * worker's batch committed, and the last batch of a sync must not be left unchained.
 */
export async function checkpointPipeline(fleet: FleetResources, pipeline: ResolvedPipeline): Promise<AdvanceResult> {
  const sink = await fleet.connectors.sink(pipeline);
  const source = await fleet.connectors.source(pipeline);
  const lock = await RedisLock.acquire(
    fleet.redis,
    checkpointLockKey(fleet.prefix, pipeline.name),
    CHECKPOINT_LOCK_TTL_MS,
    CHECKPOINT_LOCK_WAIT_MS,
  );
  try {
    return await sink.bookkeeping.advanceWatermark(pipeline.name, source);
  } finally {
    await lock.release().catch(() => undefined);
  }
}
