import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BatchPayload, ResolvedPipeline } from '@syncfleet/core';

/** The fleet-wide queue that holds batches which exhausted their attempts or failed fatally. */
export const DEAD_LETTER_QUEUE = 'dead-letter';
/** Name of the custom backoff strategy the worker registers (full jitter, see core/backoff). */
export const BACKOFF_STRATEGY = 'syncfleet-full-jitter';

/** One BullMQ queue per pipeline, named after it, so Bull Board shows one row per pipeline. */
export function batchQueueName(pipeline: string): string {
  return pipeline;
}

export type BatchQueue = Queue<BatchPayload, unknown, string>;

export function createBatchQueue(connection: Redis, prefix: string, pipeline: string): BatchQueue {
  return new Queue<BatchPayload, unknown, string>(batchQueueName(pipeline), { connection, prefix });
}

/**
 * Finished ids are kept so that a producer re-enqueueing an unchanged batch meets its twin and
 * BullMQ ignores the add (an id blocks its twin in any state). Completed ids are kept a day or
 * 20k jobs; failed ones two weeks, as long as an operator may take to replay them. After that a
 * twin is processed again, which the ledger turns into a no-op.
 */
export function batchJobOptions(pipeline: ResolvedPipeline, batchId: string): JobsOptions {
  return {
    jobId: batchId,
    attempts: pipeline.retry.attempts,
    backoff: { type: BACKOFF_STRATEGY },
    removeOnComplete: { age: 24 * 3600, count: 20_000 },
    removeOnFail: { age: 14 * 24 * 3600 },
  };
}

export const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Jobs not yet finished: while there are any, the producer scans on from its frontier. */
export async function pendingJobCount(queue: BatchQueue): Promise<number> {
  const counts = await queue.getJobCounts(...PENDING_STATES);
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
