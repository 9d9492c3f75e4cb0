import { Cron } from 'croner';
import type { Logger } from 'pino';
import { describeConnectionError, isConnectionError, type ResolvedPipeline } from '@syncfleet/core';
import type { FleetResources } from '@syncfleet/connectors';
import type { PageRead, ScanHooks } from './scan-pipeline.ts';
import { recordedScan } from './recorded-scan.ts';

export interface ProducerOptions {
  readonly logger: Logger;
  readonly hooks?: ScanHooks;
  /** Scan each pipeline once at start, before waiting for its schedule. */
  readonly scanOnStart?: boolean;
  /** Told of each page read, per pipeline (for the metrics). */
  readonly onPage?: (pipeline: string, page: PageRead) => void;
}

/**
 * The long-running producer: one cron per pipeline. An overrun tick is skipped (croner's
 * `protect`), and the Redis scan lock keeps other producer replicas from scanning the same
 * pipeline at the same time, like a CronJob's `concurrencyPolicy: Forbid`.
 */
export class ProducerScheduler {
  private readonly jobs: Cron[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private closing: Promise<void> | undefined;

  private readonly fleet: FleetResources;
  private readonly pipelines: readonly ResolvedPipeline[];
  private readonly options: ProducerOptions;

  constructor(
    fleet: FleetResources,
    pipelines: readonly ResolvedPipeline[],
    options: ProducerOptions,
  ) {
    this.fleet = fleet;
    this.pipelines = pipelines;
    this.options = options;
  }

  start(): void {
    for (const pipeline of this.pipelines) {
      const job = new Cron(pipeline.schedule, { protect: true, catch: false }, () => this.tick(pipeline));
      this.jobs.push(job);
      if (this.options.scanOnStart) void this.tick(pipeline);
    }
  }

  private tick(pipeline: ResolvedPipeline): Promise<void> {
    const onPage = this.options.onPage;
    const scan = recordedScan(this.fleet, pipeline, {
      logger: this.options.logger,
      hooks: this.options.hooks,
      signal: this.abort.signal,
      onPage: onPage && ((page) => onPage(pipeline.name, page)),
    })
      .then((result) => {
        if (result.status === 'locked') this.options.logger.info({ pipeline: pipeline.name }, 'another producer is scanning; skipped');
      })
      .catch((error: unknown) => {
        // An unreachable service is reported once per outage (FleetResources): no stack per tick.
        if (isConnectionError(error)) {
          this.options.logger.info({ pipeline: pipeline.name, reason: describeConnectionError(error) }, 'scan skipped: service unreachable, next tick retries');
        } else {
          this.options.logger.error({ err: error, pipeline: pipeline.name }, 'scan failed');
        }
      });
    this.inFlight.add(scan);
    void scan.finally(() => this.inFlight.delete(scan));
    return scan;
  }

  /** Stops the schedules, lets running scans stop after their current page, and waits for them. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const job of this.jobs) job.stop();
      this.abort.abort();
      await Promise.allSettled([...this.inFlight]);
    })();
    return this.closing;
  }
}
