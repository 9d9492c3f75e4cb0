import type pg from 'pg';
import { describeKeyset, decodeKeyset, type ResolvedPipeline } from '@syncfleet/core';
import { quoteIdent, readWatermark, recentRuns, sourceRelationSql, type FleetResources, type RunRecord } from '@syncfleet/connectors';

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
  const queueCounts = await fleet.queue(pipeline.name).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
  const queue = {
    waiting: (queueCounts.waiting ?? 0) + (queueCounts.prioritized ?? 0),
    active: queueCounts.active ?? 0,
    delayed: queueCounts.delayed ?? 0,
    failed: queueCounts.failed ?? 0,
    completed: queueCounts.completed ?? 0,
  };
  const deadLettered = await countDeadLetters(fleet, pipeline.name);
  try {
    const destination = await fleet.pools.destination(pipeline.destination.url);
    const state = await readWatermark(destination, pipeline.name);
    const { lagSeconds, sourceMaxCursor } = await sourceLag(
      fleet.pools.get(pipeline.source.url),
      pipeline,
      state?.keyset ?? null,
      state?.keysetTypes[0] ?? null,
    );
    return {
      pipeline: pipeline.name,
      watermark: state?.keyset ?? null,
      watermarkDisplay: describeKeyset(state?.keyset ?? null),
      advancedAt: state?.advancedAt ?? null,
      lagSeconds,
      sourceMaxCursor,
      queue,
      deadLettered,
      lastRuns: await recentRuns(destination, pipeline.name, 5),
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

async function countDeadLetters(fleet: FleetResources, pipeline: string): Promise<number> {
  const queue = fleet.deadLetterQueue();
  let count = 0;
  const pageSize = 500;
  for (let start = 0; ; start += pageSize) {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'failed', 'completed'], start, start + pageSize - 1);
    count += jobs.filter((job) => job?.data?.pipeline === pipeline).length;
    if (jobs.length < pageSize) return count;
  }
}

async function sourceLag(
  source: pg.Pool,
  pipeline: ResolvedPipeline,
  watermark: string | null,
  cursorType: string | null,
): Promise<{ lagSeconds: number | null; sourceMaxCursor: string | null }> {
  const cursor = quoteIdent(pipeline.source.cursor);
  const { rows } = await source.query<{ max: string | null }>(`SELECT max(${cursor})::text AS max FROM ${sourceRelationSql(pipeline.source)}`);
  const max = rows[0]?.max ?? null;
  if (max === null || cursorType === null || !/^(timestamp|date)/.test(cursorType)) return { lagSeconds: null, sourceMaxCursor: max };
  const at = decodeKeyset(watermark)?.[0] ?? null;
  if (at === null) return { lagSeconds: null, sourceMaxCursor: max };
  const { rows: lag } = await source.query<{ seconds: string }>(
    `SELECT GREATEST(0, extract(epoch FROM ($1::${cursorType}::timestamptz - $2::${cursorType}::timestamptz)))::text AS seconds`,
    [max, at],
  );
  return { lagSeconds: Number(lag[0]!.seconds), sourceMaxCursor: max };
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
