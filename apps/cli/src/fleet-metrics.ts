import { collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import { QUEUE_STATES, SyncfleetMetrics, type QueueState, type ResolvedPipeline } from '@syncfleet/core';
import type { FleetResources } from '@syncfleet/connectors';
import type { BatchWorkerEvents } from '@syncfleet/worker';
import type { PageRead } from '@syncfleet/producer';
import { countDeadLetters, queueCounts } from './status.ts';
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

  constructor(
    private readonly fleet: FleetResources,
    private readonly pipelines: readonly ResolvedPipeline[],
    private readonly logger: Logger,
  ) {
    collectDefaultMetrics({ register: this.metrics.registry });
    for (const pipeline of pipelines) this.metrics.initPipeline(pipeline.name);
  }

  readonly workerEvents: BatchWorkerEvents = {
    onOutcome: (pipeline, outcome) => this.metrics.recordOutcome(pipeline, outcome),
    onRetry: (pipeline) => this.metrics.recordFailure(pipeline, 'retried'),
    onDeadLetter: (pipeline) => this.metrics.recordFailure(pipeline, 'dead_lettered'),
    onTimings: (pipeline, timings) => this.metrics.recordTimings(pipeline, timings),
  };

  readonly onPage: PageObserver = (pipeline, page) => this.metrics.recordExtract(pipeline, page.rows, page.extractMs / 1000);

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

  private async collectPipeline(pipeline: ResolvedPipeline, deadLetters: ((name: string) => Promise<number>) | null): Promise<void> {
    const [queue, deadLettered, lag] = await Promise.all([
      queueCounts(this.fleet, pipeline.name).then(
        (counts) => Object.fromEntries(QUEUE_STATES.map((state) => [state, counts[state]])) as Record<QueueState, number>,
        (error: unknown) => this.unknown(pipeline, 'queue counts', error),
      ),
      deadLetters ? deadLetters(pipeline.name).catch((error: unknown) => this.unknown(pipeline, 'dead-letter count', error)) : null,
      pipelineLag(this.fleet, pipeline).catch((error: unknown) => this.unknown(pipeline, 'watermark lag', error)),
    ]);
    this.metrics.setPipelineGauges({
      pipeline: pipeline.name,
      queue,
      deadLettered,
      lagSeconds: lag?.lagSeconds ?? null,
      watermarkEpochSeconds: lag?.watermarkEpochSeconds ?? null,
    });
  }

  /**
   * The dead-letter queue is fleet-wide; counting one pipeline's entries means paging through
   * it, so that happens only when it is not empty (and it should be empty).
   */
  private async deadLetterCounts(): Promise<((name: string) => Promise<number>) | null> {
    try {
      const counts = await this.fleet.deadLetterQueue().getJobCounts('waiting', 'delayed', 'failed', 'completed');
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      return total === 0 ? async () => 0 : (name) => countDeadLetters(this.fleet, name);
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
