import { collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import { QUEUE_STATES, SyncfleetMetrics, type QueueState, type ResolvedPipeline } from '@syncfleet/core';
import type { FleetResources } from '@syncfleet/connectors';
import type { BatchWorkerEvents } from '@syncfleet/worker';
import type { PageRead } from '@syncfleet/producer';
import { countDeadLettersByPipeline, queueCounts } from './status.ts';
import { pipelineLag } from './watermark-lag.ts';

/** What the producer tells of each page it reads. */
export type PageObserver = (pipeline: string, page: PageRead) => void;

/**
 * The metrics of one Syncfleet process: counters fed by the worker's and producer's events,
 * and gauges read from Redis and the databases when Prometheus scrapes (queue depth, dead
 * letters, watermark lag), so every replica reports the fleet's shared state as of the scrape.
 */
export class FleetMetrics {
  readonly metrics = new SyncfleetMetrics();
  private collecting: Promise<void> | undefined;
  private deadLetterTally: { total: number; at: number; counts: Map<string, number> } | undefined;

  private readonly fleet: FleetResources;
  private readonly pipelines: readonly ResolvedPipeline[];
  private readonly logger: Logger;

  constructor(
    fleet: FleetResources,
    pipelines: readonly ResolvedPipeline[],
    logger: Logger,
  ) {
    this.fleet = fleet;
    this.pipelines = pipelines;
    this.logger = logger;
    collectDefaultMetrics({ register: this.metrics.registry });
    for (const pipeline of pipelines) this.metrics.initPipeline(pipeline.name);
  }

  readonly workerEvents: BatchWorkerEvents = {
    onOutcome: (pipeline, outcome) => this.metrics.recordOutcome(pipeline, outcome),
    onRetry: (pipeline) => this.metrics.recordFailure(pipeline, 'retried'),
    onDeadLetter: (pipeline) => this.metrics.recordFailure(pipeline, 'dead_lettered'),
    onTimings: (pipeline, timings) => this.metrics.recordTimings(pipeline, timings),
  };

  readonly onPage: PageObserver = (pipeline, page) => this.metrics.recordExtract(pipeline, page, page.extractMs / 1000);

  async render(): Promise<{ contentType: string; body: string }> {
    await this.collect();
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
  }

  /** Refreshes the scrape-time gauges; concurrent scrapes share one refresh. */
  collect(): Promise<void> {
    this.collecting ??= this.collectAll().finally(() => {
      this.collecting = undefined;
    });
    return this.collecting;
  }

  private async collectAll(): Promise<void> {
    const deadLetters = await this.deadLetterCounts();
    await Promise.all(this.pipelines.map((pipeline) => this.collectPipeline(pipeline, deadLetters)));
  }

  private async collectPipeline(pipeline: ResolvedPipeline, deadLetters: Map<string, number> | null): Promise<void> {
    const [queue, lag] = await Promise.all([
      queueCounts(this.fleet, pipeline.name).then(
        (counts) => Object.fromEntries(QUEUE_STATES.map((state) => [state, counts[state]])) as Record<QueueState, number>,
        (error: unknown) => this.unknown(pipeline, 'queue counts', error),
      ),
      pipelineLag(this.fleet, pipeline).catch((error: unknown) => this.unknown(pipeline, 'watermark lag', error)),
    ]);
    this.metrics.setPipelineGauges({
      pipeline: pipeline.name,
      queue,
      deadLettered: deadLetters ? (deadLetters.get(pipeline.name) ?? 0) : null,
      lagSeconds: lag?.lagSeconds ?? null,
      watermarkEpochSeconds: lag?.watermarkEpochSeconds ?? null,
    });
  }

  /**
   * The dead-letter queue is fleet-wide and its entries carry whole batches: telling pipelines
   * apart means reading them. So the per-pipeline tally is redone only when the queue's size
   * changed or a minute has passed, and not at all while the queue is empty (as it should be).
   */
  private async deadLetterCounts(): Promise<Map<string, number> | null> {
    try {
      const counts = await this.fleet.deadLetterQueue().getJobCounts('waiting', 'delayed', 'failed', 'completed');
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      if (total === 0) return new Map();
      const cached = this.deadLetterTally;
      if (cached && cached.total === total && Date.now() - cached.at < 60_000) return cached.counts;
      this.deadLetterTally = { total, at: Date.now(), counts: await countDeadLettersByPipeline(this.fleet) };
      return this.deadLetterTally.counts;
    } catch (error) {
      this.logger.warn({ err: error }, 'metrics: cannot count the dead-letter queue');
      return null;
    }
  }

  /** A gauge that cannot be read is dropped from the scrape (absent, not stale) and the cause logged. */
  private unknown(pipeline: ResolvedPipeline, what: string, error: unknown): null {
    this.logger.warn({ err: error, pipeline: pipeline.name }, `metrics: cannot read ${what}`);
    return null;
  }
}
