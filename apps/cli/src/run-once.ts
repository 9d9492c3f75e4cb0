import type { Logger } from 'pino';
import {
  addOutcome,
  addSourceRejects,
  emptyCounters,
  type ResolvedConfig,
  type ResolvedPipeline,
  type RunCounters,
} from '@syncfleet/core';
import { checkpointPipeline, pendingJobCount, type FleetResources, type WriteBatchHooks } from '@syncfleet/connectors';
import { scanPipeline, type PageRead, type ScanHooks } from '@syncfleet/producer';
import { describeError } from './exit-codes.ts';
import { BatchWorkers, type BatchWorkerEvents } from '@syncfleet/worker';

export interface PipelineRunResult {
  readonly pipeline: string;
  readonly counters: RunCounters;
  readonly watermark: string | null;
  readonly elapsedMs: number;
  readonly failed: boolean;
  readonly error: string | null;
}

export interface RunOnceOptions {
  readonly fleet: FleetResources;
  readonly config: ResolvedConfig;
  readonly pipelines: readonly ResolvedPipeline[];
  readonly concurrency: number;
  readonly logger: Logger;
  readonly hooks?: { write?: WriteBatchHooks; scan?: ScanHooks };
  readonly signal?: AbortSignal;
  /** Also told of every batch event and page read (metrics, progress). */
  readonly events?: BatchWorkerEvents;
  readonly onPage?: (pipeline: string, page: PageRead) => void;
}

/**
 * `syncfleet run`: scan every pipeline up to now − lag, process the batches with in-process
 * workers until its queue is empty, advance the watermark, and report. Jobs go through the same
 * queues as the fleet's, so `run` and long-running workers may share a pipeline safely.
 */
export async function runOnce(options: RunOnceOptions): Promise<PipelineRunResult[]> {
  const { fleet, pipelines, logger } = options;
  const counters = new Map(pipelines.map((pipeline) => [pipeline.name, emptyCounters()]));
  const workers = new BatchWorkers({
    fleet,
    pipelines,
    concurrency: options.concurrency,
    logger,
    hooks: options.hooks?.write,
    ...options.events,
    onOutcome: (pipeline, outcome) => {
      addOutcome(counters.get(pipeline)!, outcome);
      options.events?.onOutcome?.(pipeline, outcome);
    },
    onRetry: (pipeline, error) => {
      counters.get(pipeline)!.retried += 1;
      options.events?.onRetry?.(pipeline, error);
    },
    onDeadLetter: (pipeline, error) => {
      counters.get(pipeline)!.dead += 1;
      options.events?.onDeadLetter?.(pipeline, error);
    },
  });
  try {
    await workers.ready();
    return await Promise.all(pipelines.map((pipeline) => runPipeline(options, pipeline, counters.get(pipeline.name)!)));
  } finally {
    await workers.close(options.config.worker.drainTimeout);
  }
}

async function runPipeline(options: RunOnceOptions, pipeline: ResolvedPipeline, counters: RunCounters): Promise<PipelineRunResult> {
  const { fleet, logger } = options;
  const started = performance.now();
  let error: string | null = null;
  let runId: string | null = null;
  const bookkeeping = await fleet.connectors
    .sink(pipeline)
    .then((sink) => sink.bookkeeping)
    .catch((cause: unknown) => {
      error = messageOf(cause);
      return null;
    });
  try {
    if (bookkeeping) runId = await bookkeeping.openRun(pipeline.name, 'run');
    const onPage = options.onPage && ((page: PageRead) => options.onPage!(pipeline.name, page));
    const scan = await scanPipeline(fleet, pipeline, { logger, hooks: options.hooks?.scan, signal: options.signal, onPage });
    if (scan.status === 'scanned') addSourceRejects(counters, scan.rejected);
    if (scan.status === 'locked') logger.warn({ pipeline: pipeline.name }, 'another producer is scanning this pipeline; processing what is queued');
    await waitUntilIdle(fleet, pipeline, options.signal);
    await checkpointPipeline(fleet, pipeline);
  } catch (cause) {
    error = messageOf(cause);
    logger.error({ err: cause, pipeline: pipeline.name }, 'run failed');
  }
  if (error === null && counters.dead > 0 && pipeline.onDeadLetter === 'block') {
    error = `${counters.dead} batch(es) dead-lettered; the watermark waits for them — see \`syncfleet dlq list\``;
  }
  if (error === null && counters.extracted > 0 && counters.quarantined / counters.extracted > pipeline.maxQuarantineRate) {
    error = `quarantined ${counters.quarantined} of ${counters.extracted} rows, above maxQuarantineRate ${pipeline.maxQuarantineRate} — inspect syncfleet.quarantine`;
    logger.error({ pipeline: pipeline.name, quarantined: counters.quarantined, extracted: counters.extracted }, error);
  }
  const watermark = bookkeeping ? ((await bookkeeping.readWatermark(pipeline.name).catch(() => null))?.keyset ?? null) : null;
  if (bookkeeping && runId !== null) {
    await bookkeeping.closeRun(runId, counters, error === null ? 'succeeded' : 'failed', error).catch((cause: unknown) =>
      logger.warn({ err: cause }, 'could not record the run'),
    );
  }
  return { pipeline: pipeline.name, counters, watermark, elapsedMs: performance.now() - started, failed: error !== null, error };
}

async function waitUntilIdle(fleet: FleetResources, pipeline: ResolvedPipeline, signal: AbortSignal | undefined): Promise<void> {
  const queue = fleet.queue(pipeline.name);
  for (let pause = 20; (await pendingJobCount(queue)) > 0; pause = Math.min(pause * 2, 250)) {
    if (signal?.aborted) throw new Error('interrupted');
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

function messageOf(error: unknown): string {
  return describeError(error);
}
