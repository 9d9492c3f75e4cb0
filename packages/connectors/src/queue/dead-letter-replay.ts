import { randomUUID } from 'node:crypto';
import type { Job, JobType } from 'bullmq';
import { SyncfleetError, type ResolvedPipeline } from '@syncfleet/core';
import type { FleetResources } from '../fleet-resources.ts';
import { frontierKey } from '../redis/keys.ts';
import { batchJobOptions } from './batch-queue.ts';
import type { DeadLetterEntry } from './dead-letter.ts';

export type DeadLetterJob = Job<DeadLetterEntry>;

/**
 * Where a dead-letter entry can be: `waiting` until a dead-letter consumer parks it, `failed`
 * once parked (how Bull Board shows it, with its Retry button), `active` while being parked or
 * replayed.
 */
const DEAD_LETTER_STATES: JobType[] = ['failed', 'waiting', 'prioritized', 'delayed', 'active'];

export interface DeadLetterRecord {
  /** The dead-letter job id: the failed batch job's id (the batch id, or a replay's id). */
  readonly id: string;
  readonly state: string;
  readonly entry: DeadLetterEntry;
}

export interface ReplayResult {
  readonly id: string;
  readonly pipeline: string;
  readonly batchId: string;
  /** The id of the job the payload was re-enqueued as. */
  readonly jobId: string;
}

/** Every dead-letter entry, oldest first, optionally of one pipeline. Pages through the queue. */
export async function listDeadLetters(fleet: FleetResources, pipeline?: string): Promise<DeadLetterRecord[]> {
  const queue = fleet.deadLetterQueue();
  const records: DeadLetterRecord[] = [];
  const pageSize = 200;
  for (let start = 0; ; start += pageSize) {
    const jobs = await queue.getJobs(DEAD_LETTER_STATES, start, start + pageSize - 1, true);
    for (const job of jobs) {
      if (!job?.id || !job.data) continue;
      if (pipeline !== undefined && job.data.pipeline !== pipeline) continue;
      records.push({ id: job.id, state: await job.getState(), entry: job.data });
    }
    if (jobs.length < pageSize) break;
  }
  return records.sort((a, b) => a.entry.failedAt.localeCompare(b.entry.failedAt));
}

export async function findDeadLetter(fleet: FleetResources, id: string): Promise<DeadLetterRecord | null> {
  const job = await fleet.deadLetterQueue().getJob(id);
  if (!job?.id || !job.data) return null;
  return { id: job.id, state: await job.getState(), entry: job.data };
}

/**
 * Re-enqueues a dead batch's payload into its pipeline queue under a fresh job id (the failed
 * original keeps its id for two weeks, and BullMQ ignores an add whose id exists), then removes
 * the entry unless the caller is the dead-letter consumer, whose finished job removes itself.
 *
 * Idempotent in effect: the ledger makes an already committed batch a no-op, so a replay
 * twice, or of a batch that later succeeded, writes nothing. A replay of a `skip` batch does
 * load its rows (the ledger's `skipped` mark is upgraded, see write-batch).
 */
export async function replayDeadLetter(
  fleet: FleetResources,
  pipelines: readonly ResolvedPipeline[],
  job: DeadLetterJob,
  options: { removeEntry?: boolean } = {},
): Promise<ReplayResult> {
  const entry = job.data;
  const pipeline = pipelineOf(pipelines, entry);
  const jobId = `${entry.batchId}-replay-${randomUUID().slice(0, 8)}`;
  await fleet.queue(pipeline.name).add('batch', entry.payload, batchJobOptions(pipeline, jobId));
  if (options.removeEntry ?? true) await job.remove();
  return { id: job.id!, pipeline: pipeline.name, batchId: entry.batchId, jobId };
}

/**
 * Drops a dead-letter entry. For a `block` pipeline the watermark still waits at the batch's
 * `lo`, and the failed original's id would keep the producer's re-enqueue of the same range out
 * for two weeks; so the failed batch jobs are removed too and the producer frontier cleared,
 * which makes the next scan start again at the watermark: the range is rescanned, not lost.
 * For a `skip` pipeline the watermark has passed: purging gives up those rows for good.
 */
export async function purgeDeadLetter(fleet: FleetResources, job: DeadLetterJob): Promise<void> {
  const entry = job.data;
  await job.remove();
  if (entry.policy !== 'block') return;
  const queue = fleet.queue(entry.pipeline);
  for (const id of new Set([job.id!, entry.batchId])) {
    const original = await queue.getJob(id);
    if (original && (await original.isFailed())) await original.remove();
  }
  await fleet.redis.del(frontierKey(fleet.prefix, entry.pipeline));
}

function pipelineOf(pipelines: readonly ResolvedPipeline[], entry: DeadLetterEntry): ResolvedPipeline {
  const pipeline = pipelines.find((candidate) => candidate.name === entry.pipeline);
  if (!pipeline) {
    throw new SyncfleetError('PIPELINE_UNKNOWN', `dead batch ${entry.batchId} belongs to pipeline ${entry.pipeline}, which the configuration does not define`, {
      hint: `replay it with the configuration that defines ${entry.pipeline}, or purge it`,
    });
  }
  return pipeline;
}
