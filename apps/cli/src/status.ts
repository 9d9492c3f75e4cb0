import { describeKeyset, type ResolvedPipeline } from '@syncfleet/core';
import type { FleetResources, RunRecord } from '@syncfleet/connectors';
import { sourceLag } from './watermark-lag.ts';

export interface PipelineStatus {
  readonly pipeline: string;
  readonly watermark: string | null;
  readonly watermarkDisplay: string;
  readonly advancedAt: string | null;
  /** Source's newest cursor minus the watermark's, in seconds; null for non-time cursors. */
  readonly lagSeconds: number | null;
  readonly sourceMaxCursor: string | null;
  readonly queue: { waiting: number; active: number; delayed: number; failed: number; completed: number };
  readonly deadLettered: number;
  readonly lastRuns: readonly RunRecord[];
  readonly error: string | null;
}

export async function pipelineStatus(fleet: FleetResources, pipeline: ResolvedPipeline): Promise<PipelineStatus> {
  const queue = await queueCounts(fleet, pipeline.name);
  const deadLettered = await countDeadLetters(fleet, pipeline.name);
  try {
    const { bookkeeping } = await fleet.connectors.sink(pipeline);
    const state = await bookkeeping.readWatermark(pipeline.name);
    // Lag needs the source's clock and types; only the Postgres source offers both here.
    const { lagSeconds, sourceMaxCursor } =
      pipeline.source.kind === 'postgres'
        ? await sourceLag(fleet.pools.get(pipeline.source.url), pipeline, state?.keyset ?? null, state?.keysetTypes[0] ?? null)
        : { lagSeconds: null, sourceMaxCursor: null };
    return {
      pipeline: pipeline.name,
      watermark: state?.keyset ?? null,
      watermarkDisplay: describeKeyset(state?.keyset ?? null),
      advancedAt: state?.advancedAt ?? null,
      lagSeconds,
      sourceMaxCursor,
      queue,
      deadLettered,
      lastRuns: await bookkeeping.recentRuns(pipeline.name, 5),
      error: null,
    };
  } catch (error) {
    return {
      pipeline: pipeline.name,
      watermark: null,
      watermarkDisplay: 'unknown',
      advancedAt: null,
      lagSeconds: null,
      sourceMaxCursor: null,
      queue,
      deadLettered,
      lastRuns: [],
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

export async function queueCounts(fleet: FleetResources, pipeline: string): Promise<PipelineStatus['queue']> {
  const counts = await fleet.queue(pipeline).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
  return {
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    completed: counts.completed ?? 0,
  };
}

export async function countDeadLetters(fleet: FleetResources, pipeline: string): Promise<number> {
  return (await countDeadLettersByPipeline(fleet)).get(pipeline) ?? 0;
}

/** Pages once through the fleet-wide dead-letter queue; cheap while it is empty, as it should be. */
export async function countDeadLettersByPipeline(fleet: FleetResources): Promise<Map<string, number>> {
  const queue = fleet.deadLetterQueue();
  const counts = new Map<string, number>();
  const pageSize = 500;
  for (let start = 0; ; start += pageSize) {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'failed', 'completed'], start, start + pageSize - 1);
    for (const job of jobs) {
      const pipeline = job?.data?.pipeline;
      if (typeof pipeline === 'string') counts.set(pipeline, (counts.get(pipeline) ?? 0) + 1);
    }
    if (jobs.length < pageSize) return counts;
  }
}

export function formatStatus(status: PipelineStatus): string {
  const lines = [
    `${status.pipeline}`,
    `  watermark   ${status.watermarkDisplay}${status.advancedAt ? ` (advanced ${status.advancedAt})` : ''}`,
    `  lag         ${status.lagSeconds === null ? 'n/a' : `${status.lagSeconds.toFixed(1)}s`} behind source (newest cursor ${status.sourceMaxCursor ?? 'none'})`,
    `  queue       waiting=${status.queue.waiting} active=${status.queue.active} delayed=${status.queue.delayed} failed=${status.queue.failed}`,
    `  dead-letter ${status.deadLettered}`,
  ];
  if (status.error) lines.push(`  error       ${status.error}`);
  for (const run of status.lastRuns) {
    lines.push(
      `  ${run.kind.padEnd(4)} ${run.started_at} ${run.outcome ?? ''} extracted=${run.extracted} loaded=${run.loaded} unchanged=${run.unchanged}${run.error ? ` error=${run.error}` : ''}`,
    );
  }
  return lines.join('\n');
}
