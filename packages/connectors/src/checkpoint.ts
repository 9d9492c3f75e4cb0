import type { ResolvedPipeline } from '@syncfleet/core';
import { RedisLock } from './redis/lock.ts';
import { checkpointLockKey, checkpointPendingKey } from './redis/keys.ts';
import type { FleetResources } from './fleet-resources.ts';
import type { AdvanceResult } from './postgres/checkpoint-sql.ts';

const CHECKPOINT_LOCK_TTL_MS = 30_000;
const CHECKPOINT_LOCK_WAIT_MS = 60_000;

/**
 * Advances a pipeline's watermark under its checkpoint lock, waiting for the lock if another
 * process holds it. For the end of a `run`, a skipped dead letter, and the producer.
 */
export async function checkpointPipeline(fleet: FleetResources, pipeline: ResolvedPipeline): Promise<AdvanceResult> {
  const lock = await RedisLock.acquire(fleet.redis, checkpointLockKey(fleet.prefix, pipeline.name), CHECKPOINT_LOCK_TTL_MS, CHECKPOINT_LOCK_WAIT_MS);
  try {
    return await advance(fleet, pipeline);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

export interface CheckpointRequestResult {
  /** The watermark moved during this call (by this worker, possibly for others' batches too). */
  readonly advanced: boolean;
  /** Another worker held the lock and will chain this batch for us. */
  readonly handedOff: boolean;
}

/**
 * What a worker calls after committing a batch. Rather than queue behind the lock, it marks
 * the pipeline "checkpoint pending" and returns if someone else holds the lock: the holder
 * re-reads the ledger until the mark stays clear, so one checkpoint transaction chains the
 * batches of every worker that committed meanwhile. Measured in the bench's 1M-row load, the
 * waiting version spent 30–40 ms a batch here, close to the 45 ms of the write itself.
 *
 * No batch is left unchained: a worker sets the mark before trying the lock, and the holder
 * looks at the mark again after releasing it. Either the holder sees the mark (and goes
 * round again), or the mark came later, and then the worker's try came after the release and
 * got the lock. A holder that dies leaves the mark, which the next commit, the next `run` or
 * the producer's next scan (it checkpoints first) picks up once the lock expires.
 */
export async function requestCheckpoint(fleet: FleetResources, pipeline: ResolvedPipeline): Promise<CheckpointRequestResult> {
  const pendingKey = checkpointPendingKey(fleet.prefix, pipeline.name);
  const lockKey = checkpointLockKey(fleet.prefix, pipeline.name);
  await fleet.redis.set(pendingKey, '1');
  let advanced = false;
  for (;;) {
    const lock = await RedisLock.tryAcquire(fleet.redis, lockKey, CHECKPOINT_LOCK_TTL_MS);
    if (!lock) return { advanced, handedOff: true };
    try {
      do {
        await fleet.redis.del(pendingKey);
        advanced = (await advance(fleet, pipeline)).advanced || advanced;
      } while ((await fleet.redis.exists(pendingKey)) === 1);
    } finally {
      await lock.release().catch(() => undefined);
    }
    if ((await fleet.redis.exists(pendingKey)) === 0) return { advanced, handedOff: false };
  }
}

async function advance(fleet: FleetResources, pipeline: ResolvedPipeline): Promise<AdvanceResult> {
  const sink = await fleet.connectors.sink(pipeline);
  const source = await fleet.connectors.source(pipeline);
  return sink.bookkeeping.advanceWatermark(pipeline.name, source);
}
