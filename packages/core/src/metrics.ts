import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchOutcome } from './batch.ts';

/**
 * The fleet's Prometheus metrics: names, help texts and labels in one place, so the alert
 * rules, the README and the code agree. Every series carries `pipeline`. This module only
 * defines and records; the apps collect process metrics, serve `/metrics` and fill the
 * scrape-time gauges (queue depth, watermark lag) from Redis and Postgres.
 *
 * Where a stage is counted: `extracted` by whoever reads the source (the producer, or `run`),
 * `loaded`/`unchanged`/`quarantined` by whoever writes the batch (a worker, or `run`), except
 * source input that is not a row (a malformed line), which the reader quarantines. So sums
 * over the fleet count every row once per stage.
 */
export const ROW_STAGES = ['extracted', 'loaded', 'unchanged', 'quarantined'] as const;
export const BATCH_OUTCOMES = ['completed', 'retried', 'dead_lettered'] as const;
export const DURATION_STAGES = ['extract', 'load', 'checkpoint'] as const;
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export type RowStage = (typeof ROW_STAGES)[number];
export type BatchMetricOutcome = (typeof BATCH_OUTCOMES)[number];
export type DurationStage = (typeof DURATION_STAGES)[number];
export type QueueState = (typeof QUEUE_STATES)[number];

export interface PipelineGaugeReading {
  readonly pipeline: string;
  /** Null when unknown (nothing synced yet, a non-time cursor, or the database unreachable). */
  readonly lagSeconds: number | null;
  readonly watermarkEpochSeconds: number | null;
  readonly queue: Readonly<Record<QueueState, number>> | null;
  readonly deadLettered: number | null;
}

export class SyncfleetMetrics {
  readonly registry: Registry;
  readonly rows: Counter<'pipeline' | 'stage'>;
  readonly batches: Counter<'pipeline' | 'outcome'>;
  readonly batchDuration: Histogram<'pipeline' | 'stage'>;
  readonly watermarkLag: Gauge<'pipeline'>;
  readonly watermarkTimestamp: Gauge<'pipeline'>;
  readonly queueJobs: Gauge<'pipeline' | 'state'>;
  readonly deadLetterJobs: Gauge<'pipeline'>;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.rows = new Counter({
      name: 'syncfleet_rows_total',
      help: 'Rows by stage: extracted from the source, loaded (written), unchanged (skipped), quarantined',
      labelNames: ['pipeline', 'stage'],
      registers,
    });
    this.batches = new Counter({
      name: 'syncfleet_batches_total',
      help: 'Batch attempts by outcome: completed, retried (failed, will retry), dead_lettered',
      labelNames: ['pipeline', 'outcome'],
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'syncfleet_batch_duration_seconds',
      help: 'Time per batch and stage: extract (source page query), load (destination transaction), checkpoint',
      labelNames: ['pipeline', 'stage'],
      // A page or a 5,000-row transaction takes 10 ms to a few seconds; 60 s means trouble.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.watermarkLag = new Gauge({
      name: 'syncfleet_watermark_lag_seconds',
      help: "Source's newest cursor minus the committed watermark's cursor, in seconds (time cursors only)",
      labelNames: ['pipeline'],
      registers,
    });
    this.watermarkTimestamp = new Gauge({
      name: 'syncfleet_watermark_timestamp',
      help: "The committed watermark's cursor as Unix time in seconds (time cursors only)",
      labelNames: ['pipeline'],
      registers,
    });
    this.queueJobs = new Gauge({
      name: 'syncfleet_queue_jobs',
      help: "Jobs in the pipeline's batch queue by state",
      labelNames: ['pipeline', 'state'],
      registers,
    });
    this.deadLetterJobs = new Gauge({
      name: 'syncfleet_dead_letter_jobs',
      help: "Batches of the pipeline held in the dead-letter queue, waiting for an operator",
      labelNames: ['pipeline'],
      registers,
    });
  }

  /** Makes every labelled series exist at 0, so rate() and absent() work from the first scrape. */
  initPipeline(pipeline: string): void {
    for (const stage of ROW_STAGES) this.rows.inc({ pipeline, stage }, 0);
    for (const outcome of BATCH_OUTCOMES) this.batches.inc({ pipeline, outcome }, 0);
  }

  /** A page read from the source; input that was not a row is extracted and quarantined. */
  recordExtract(pipeline: string, page: { rows: number; rejected: number }, seconds: number): void {
    this.rows.inc({ pipeline, stage: 'extracted' }, page.rows + page.rejected);
    this.rows.inc({ pipeline, stage: 'quarantined' }, page.rejected);
    this.batchDuration.observe({ pipeline, stage: 'extract' }, seconds);
  }

  /** A batch's outcome as the worker saw it; a duplicate (already committed) wrote nothing. */
  recordOutcome(pipeline: string, outcome: BatchOutcome): void {
    this.rows.inc({ pipeline, stage: 'loaded' }, outcome.loaded);
    this.rows.inc({ pipeline, stage: 'unchanged' }, outcome.unchanged);
    this.rows.inc({ pipeline, stage: 'quarantined' }, outcome.quarantined);
    this.batches.inc({ pipeline, outcome: 'completed' });
  }

  recordFailure(pipeline: string, outcome: 'retried' | 'dead_lettered'): void {
    this.batches.inc({ pipeline, outcome });
  }

  recordTimings(pipeline: string, timings: { loadMs: number; checkpointMs: number }): void {
    this.batchDuration.observe({ pipeline, stage: 'load' }, timings.loadMs / 1000);
    this.batchDuration.observe({ pipeline, stage: 'checkpoint' }, timings.checkpointMs / 1000);
  }

  /** Scrape-time state; an unknown reading removes the series rather than report a stale value. */
  setPipelineGauges(reading: PipelineGaugeReading): void {
    const { pipeline } = reading;
    setOrRemove(this.watermarkLag, pipeline, reading.lagSeconds);
    setOrRemove(this.watermarkTimestamp, pipeline, reading.watermarkEpochSeconds);
    setOrRemove(this.deadLetterJobs, pipeline, reading.deadLettered);
    for (const state of QUEUE_STATES) {
      const value = reading.queue?.[state] ?? null;
      if (value === null) this.queueJobs.remove({ pipeline, state });
      else this.queueJobs.set({ pipeline, state }, value);
    }
  }
}

function setOrRemove(gauge: Gauge<'pipeline'>, pipeline: string, value: number | null): void {
  if (value === null) gauge.remove({ pipeline });
  else gauge.set({ pipeline }, value);
}
